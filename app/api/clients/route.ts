// The signed-in user's client settings (IMAP, POP3, SMTP) for Settings → Clients.
import { NextResponse } from "next/server";
import { getSignedInUser } from "@/lib/web/auth/session";
import { clientConfigFor } from "@/lib/web/client-config/for-request";
import { jsonError } from "@/lib/web/mail-route";

export async function GET() {
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  return NextResponse.json(clientConfigFor(user.address).settings, { headers: { "cache-control": "no-store" } });
}
