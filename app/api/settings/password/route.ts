import { NextResponse } from "next/server";
import { adminErrorText, adminRequest, MailServerUnreachableError } from "@/lib/user-agent/admin-api";
import { forgetSendableAddresses, managesAccounts } from "@/lib/user-agent/settings/addresses";
import { resealSession } from "@/lib/web/auth/reseal";
import { revokeSessions } from "@/lib/web/auth/web-sessions";
import { throttle } from "@/lib/web/auth/verify-login";
import { clientAddress } from "@/lib/web/client-address";
import { jsonError } from "@/lib/web/mail-route";
import { readChange, withSettingsUser } from "../user";

const MAX_PASSWORD = 1024;

/**
 * Changes the signed-in user's password on the bundled server: { currentPassword, newPassword }. The
 * mail server checks the current one again and the new one's strength; this session then goes on with
 * the new password sealed in its cookie, and the user's other sessions end.
 */
export async function POST(request: Request) {
  const body = await readChange(request);
  if (body instanceof Response) return body;
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const { currentPassword, newPassword } = fields;
  if (typeof currentPassword !== "string" || typeof newPassword !== "string" || !currentPassword || !newPassword || newPassword.length > MAX_PASSWORD) {
    return jsonError(400, "Give your current password and the new one.");
  }
  if (!managesAccounts()) return jsonError(409, "Your password is changed with your mail provider, not here.");
  return withSettingsUser(async (user) => {
    // Guessing the current password here is guessing it at sign-in: the same throttle counts both.
    const from = clientAddress(request.headers);
    const verdict = throttle().check(user.address, from);
    if (!verdict.allowed) return jsonError(429, `Too many wrong passwords. Try again in ${Math.ceil(verdict.retryAfterMs / 1000)} seconds.`);
    let answer: { status: number; body: unknown };
    try {
      answer = await adminRequest("/api/v1/account/password", { method: "POST", body: { currentPassword, newPassword }, credentials: user });
    } catch (error) {
      if (error instanceof MailServerUnreachableError) return jsonError(503, "The mail server did not answer. Try again in a moment.");
      throw error;
    }
    if (answer.status === 403) throttle().recordFailure(user.address, from);
    if (answer.status !== 200) return jsonError(answer.status === 401 ? 403 : answer.status, adminErrorText(answer.status, answer.body));
    const response = NextResponse.json({ ok: true });
    await resealSession(user, newPassword, response);
    // As after a password change anywhere else: signed out everywhere but here. The mail server has
    // ended the account's IMAP, POP3 and SMTP sessions; these are the webmail's own.
    await revokeSessions(user.address, { except: user.sessionId });
    forgetSendableAddresses(user.address);
    return response;
  });
}
