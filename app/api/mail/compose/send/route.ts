import { NextResponse, type NextRequest } from "next/server";
import { cancelSend, dismissFailedSend, failedSends, scheduleSend, sendState } from "@/lib/user-agent/compose/pending-send";
import { sendMessage } from "@/lib/user-agent/compose/send";
import type { SendResult } from "@/lib/user-agent/compose/types";
import { readSettings } from "@/lib/user-agent/settings/store";
import { webmailDatabase } from "@/lib/user-agent/webmail-database";
import { getSignedInUser } from "@/lib/web/auth/session";
import { jsonError, uidParameter, withImapSession } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";
import { composeError, readOutgoingForm } from "../outgoing";

const NO_STORE = { headers: { "cache-control": "no-store" } };

/**
 * Sends a message (the form of readOutgoingForm). Answers a SendResult; a refused submission is 200 with
 * ok: false (the message was kept in Drafts), since the request itself did what it could. With an undo
 * window in the user's settings the message is kept in Drafts and scheduled instead ({ scheduled }).
 */
export async function POST(request: Request) {
  const form = await readOutgoingForm(request, false);
  if (form instanceof Response) return form;
  return withImapSession(async (session) => {
    const user = await getSignedInUser();
    if (!user) return jsonError(401, "Sign in first.");
    try {
      const delay = (await readSettings(await webmailDatabase(), user.address)).undoSendSeconds;
      const result: SendResult =
        delay > 0 ? { ok: true, scheduled: await scheduleSend(session, user.password, form.message, form.uploads, delay) } : await sendMessage(session, user.password, form.message, form.uploads);
      return NextResponse.json(result, NO_STORE);
    } catch (error) {
      return composeError(error);
    }
  });
}

/** A scheduled send's state (id=…): pending, sending, sent, or failed with why; without id, { failed } not yet told. */
export async function GET(request: NextRequest) {
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  if (!request.nextUrl.searchParams.has("id")) return NextResponse.json({ failed: await failedSends(await webmailDatabase(), user.address) }, NO_STORE);
  const id = uidParameter(request.nextUrl.searchParams.get("id"));
  if (id === null) return jsonError(400, "Give id=….");
  const state = await sendState(await webmailDatabase(), user.address, id);
  return state ? NextResponse.json(state, NO_STORE) : jsonError(404, "No such message waiting to be sent.");
}

/**
 * Undo (id=…): the message stays in Drafts and does not leave; answers { draft } to reopen.
 * With dismiss=1, a failed send's reason has been read: { ok }.
 */
export async function DELETE(request: NextRequest) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const id = uidParameter(request.nextUrl.searchParams.get("id"));
  if (id === null) return jsonError(400, "Give id=….");
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  if (request.nextUrl.searchParams.get("dismiss") === "1") {
    const dismissed = await dismissFailedSend(await webmailDatabase(), user.address, id);
    return dismissed ? NextResponse.json({ ok: true }, NO_STORE) : jsonError(404, "No such failed message.");
  }
  const draft = await cancelSend(await webmailDatabase(), user.address, id);
  return draft === null ? jsonError(409, "Too late to undo: the message has left.") : NextResponse.json({ draft }, NO_STORE);
}
