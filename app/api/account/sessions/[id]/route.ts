import { NextResponse } from "next/server";
import { getSignedInUser } from "@/lib/web/auth/session";
import { revokeSessions } from "@/lib/web/auth/web-sessions";
import { jsonError } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";

/** Ends one of the user's own sessions (another user's id matches nothing). */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  const { id } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) return jsonError(404, "No such session.");
  const ended = await revokeSessions(user.address, { only: id });
  return ended ? NextResponse.json({ ended }) : jsonError(404, "No such session.");
}
