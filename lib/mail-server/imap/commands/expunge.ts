// Leaving or cleaning the selected mailbox (RFC 3501 §6.4): CHECK, CLOSE (expunges silently),
// UNSELECT (RFC 3691, doesn't), EXPUNGE, and UID EXPUNGE (RFC 4315).
import type { ImapCommand } from "../protocol";
import { ImapError, type ImapSession } from "../session";
import { resolveMessages } from "./util";
import { asAtom } from "../protocol";

export async function check(session: ImapSession, command: ImapCommand) {
  await session.finish(command.tag, "OK", "CHECK completed");
}

export async function close(session: ImapSession, command: ImapCommand) {
  const selected = session.selected!;
  if (!selected.readOnly) selected.expungeResponses(await session.store.messages.expunge(selected.mailboxId), false);
  // CLOSE tells nothing of what it expunged; with QRESYNC the client learns from where to
  // resynchronise (RFC 7162 §3.2.7), and later sees the expunges as VANISHED (EARLIER).
  const code = session.qresync ? `HIGHESTMODSEQ ${selected.safeHighestModSeq()}` : undefined;
  await session.select(null);
  await session.finish(command.tag, "OK", "CLOSE completed", code);
}

export async function unselect(session: ImapSession, command: ImapCommand) {
  await session.select(null);
  await session.finish(command.tag, "OK", "UNSELECT completed");
}

async function expungeSome(session: ImapSession, command: ImapCommand, uids?: number[]) {
  const selected = session.selected!;
  if (selected.readOnly) throw new ImapError("NO", "Mailbox is read-only", "READ-ONLY");
  const removed = await session.store.messages.expunge(selected.mailboxId, uids);
  for (const response of selected.expungeResponses(removed, session.qresync)) session.write(response);
  if (!session.qresync) return session.finish(command.tag, "OK", "EXPUNGE completed");
  // With QRESYNC the tagged OK carries the HIGHESTMODSEQ after the expunge (RFC 7162 §3.2.7),
  // once everything up to it has gone out.
  for (const update of await selected.sync({ allowExpunge: true, withUid: false, withModSeq: true, vanished: true })) session.write(update);
  await session.finish(command.tag, "OK", "EXPUNGE completed", `HIGHESTMODSEQ ${selected.safeHighestModSeq()}`);
}

export const expunge = (session: ImapSession, command: ImapCommand) => expungeSome(session, command);

export async function uidExpunge(session: ImapSession, command: ImapCommand) {
  const uids = resolveMessages(session, asAtom(command.args[0]), true).map((m) => m.uid);
  await expungeSome(session, command, uids);
}
