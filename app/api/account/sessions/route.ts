import { NextResponse } from "next/server";
import { getSignedInUser } from "@/lib/web/auth/session";
import { listSessions, revokeSessions } from "@/lib/web/auth/web-sessions";
import { jsonError } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";

/** Where the user is signed in to the webmail: each session's browser, address, start and last use. */
export async function GET() {
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  return NextResponse.json({ sessions: await listSessions(user.address, user.sessionId) }, { headers: { "cache-control": "no-store" } });
}

/** Sign out everywhere: every session of the user ends, this one too, and their IMAP connections close. */
export async function DELETE(request: Request) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  return NextResponse.json({ ended: await revokeSessions(user.address, "all") });
}
