// The signed-in user's delivery rules (forwarding, vacation, filters), kept and applied by the mail
// server: this route passes them to its management API with the user's own credentials, which checks
// them and answers in words.
import { NextResponse } from "next/server";
import { adminErrorText, adminRequest, MailServerUnreachableError } from "@/lib/user-agent/admin-api";
import { getSignedInUser } from "@/lib/web/auth/session";
import { readJsonBody } from "@/lib/web/json-body";
import { jsonError } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";

const API = "/api/v1/account/rules";
/** 50 filters of 10 conditions and a 10,000-character vacation message fit well within it. */
const MAX_BODY = 60 * 1024;

async function relay(method: "GET" | "PUT", body?: unknown): Promise<Response> {
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  let answer: { status: number; body: unknown };
  try {
    answer = await adminRequest(API, { method, body, credentials: user });
  } catch (error) {
    if (error instanceof MailServerUnreachableError) return jsonError(503, "The mail server did not answer. Try again in a moment.");
    throw error;
  }
  // 404: a server without delivery rules (another IMAP/SMTP provider, IMAP_URL).
  if (answer.status === 404) return jsonError(409, "This mail server does not keep delivery rules.");
  if (answer.status !== 200) return jsonError(answer.status === 401 ? 403 : answer.status, adminErrorText(answer.status, answer.body));
  return NextResponse.json(answer.body, { headers: { "cache-control": "no-store" } });
}

export async function GET() {
  return relay("GET");
}

/** Replaces the rules: { forwarding, vacation, filters }. */
export async function PUT(request: Request) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const body = await readJsonBody(request, MAX_BODY);
  if (!body.ok) return jsonError(body.status, body.error);
  return relay("PUT", body.value);
}
