import { NextResponse } from "next/server";
import { adminErrorText, adminRequest, isRecord, MailServerUnreachableError } from "@/lib/user-agent/admin-api";
import { getSignedInUser } from "@/lib/web/auth/session";
import { jsonError } from "@/lib/web/mail-route";

/** The signed-in user's storage use and quota, as the mail server counts them (bytes, as strings). */
export async function GET() {
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  try {
    const { status, body } = await adminRequest("/api/v1/account", { credentials: user });
    if (status !== 200 || !isRecord(body) || typeof body.usedBytes !== "string" || typeof body.quotaBytes !== "string") {
      return jsonError(502, adminErrorText(status, body));
    }
    return NextResponse.json({ usedBytes: body.usedBytes, quotaBytes: body.quotaBytes }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    // Another server (IMAP_URL) has no management API: the page says usage is unknown.
    if (error instanceof MailServerUnreachableError) return jsonError(502, error.message);
    throw error;
  }
}
