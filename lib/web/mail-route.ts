// What every mail API route does around its own work: find the signed-in user's pooled IMAP session
// (401 without one), check the parameters, and turn IMAP failures into JSON errors the page can show.
import "server-only";
import { NextResponse } from "next/server";
import { getTranslations } from "next-intl/server";
import { isAuthenticationFailure } from "@/lib/user-agent/imap/client";
import { imapSessions } from "@/lib/user-agent/imap/pool";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import { openMessageForReader } from "@/lib/user-agent/mail/message";
import type { MessageView } from "@/lib/user-agent/mail/types";
import { SESSION_MAX_AGE_S } from "@/lib/web/auth/options";
import { revokeSession } from "@/lib/web/auth/revoked-sessions";
import { getImapSession } from "@/lib/web/auth/session";

/** The server refused the command (NO), as opposed to a broken connection: a missing folder or message. */
function isServerRefusal(error: unknown): error is { responseText?: string } {
  return typeof error === "object" && error !== null && "responseStatus" in error && error.responseStatus === "NO";
}

export function jsonError(status: number, error: string): NextResponse {
  return NextResponse.json({ error }, { status, headers: { "cache-control": "no-store" } });
}

export async function withImapSession(handler: (session: ImapSession) => Promise<Response>): Promise<Response> {
  const session = await getImapSession();
  if (!session) return jsonError(401, "Sign in first.");
  try {
    return await handler(session);
  } catch (error) {
    // What the page shows the reader, in their language.
    const t = await getTranslations("Errors");
    if (isAuthenticationFailure(error)) {
      // The password changed since sign-in: this session is over, or every reload would try again.
      revokeSession(session.id, Date.now() + SESSION_MAX_AGE_S * 1000);
      await imapSessions().end(session.id);
      return jsonError(401, t("signInAgain"));
    }
    if (isServerRefusal(error)) return jsonError(404, t("refused", { reason: error.responseText ?? t("noSuchThing") }));
    const detail = error instanceof Error ? error.message : String(error);
    console.error(`webmail: IMAP operation failed for session ${session.id.slice(0, 8)}: ${detail}`);
    return jsonError(502, t("unexpected"));
  }
}

/** A folder name from the browser: whatever text IMAP can carry, but no line breaks or NUL (no command injection). */
export function folderParameter(value: string | null): string | null {
  if (value === null || value.length === 0 || value.length > 1000 || /[\r\n\0]/.test(value)) return null;
  return value;
}

export function uidParameter(value: string | null): number | null {
  if (value === null || !/^[1-9]\d{0,9}$/.test(value)) return null;
  const uid = Number(value);
  return uid <= 0xffffffff ? uid : null;
}

/** The message a request names with folder=…&uid=…, or null when either is missing or invalid. */
export function messageParameters(params: URLSearchParams): { folder: string; uid: number } | null {
  const folder = folderParameter(params.get("folder"));
  const uid = uidParameter(params.get("uid"));
  return folder === null || uid === null ? null : { folder, uid };
}

export function partParameter(value: string | null): string | null {
  return value !== null && /^[1-9]\d{0,3}(?:\.[1-9]\d{0,3}){0,20}$/.test(value) ? value : null;
}

export function boundedInteger(value: string | null, fallback: number, min: number, max: number): number {
  if (value === null || !/^\d{1,9}$/.test(value)) return fallback;
  return Math.min(max, Math.max(min, Number(value)));
}

/**
 * A GET that shows one message (the reading pane's JSON, the print view): folder=…&uid=… and
 * remote=1 read from the request, 400 and 404 answered here, the rest by `render`.
 */
export function withMessageForReader(params: URLSearchParams, render: (message: MessageView) => Response): Promise<Response> {
  const named = messageParameters(params);
  if (!named) return Promise.resolve(jsonError(400, "Give folder=… and uid=…."));
  return withImapSession(async (session) => {
    const message = await openMessageForReader(session, named.folder, named.uid, params.get("remote") === "1");
    return message ? render(message) : jsonError(404, (await getTranslations("Errors"))("messageGone"));
  });
}
