// Leaving or cleaning the selected mailbox (RFC 3501 §6.4): CHECK, CLOSE (expunges silently),
// UNSELECT (RFC 3691, doesn't), EXPUNGE, and UID EXPUNGE (RFC 4315).
import { untagged, type ImapCommand } from "../protocol";
import { ImapError, type ImapSession } from "../session";
import { resolveMessages } from "./util";
import { asAtom } from "../protocol";

export async function check(session: ImapSession, command: ImapCommand) {
  await session.finish(command.tag, "OK", "CHECK completed");
}

export async function close(session: ImapSession, command: ImapCommand) {
  const selected = session.selected!;
  if (!selected.readOnly) await session.store.messages.expunge(selected.mailboxId);
  await session.select(null);
  await session.finish(command.tag, "OK", "CLOSE completed");
}

export async function unselect(session: ImapSession, command: ImapCommand) {
  await session.select(null);
  await session.finish(command.tag, "OK", "UNSELECT completed");
}

async function expungeSome(session: ImapSession, command: ImapCommand, uids?: number[]) {
  const selected = session.selected!;
  if (selected.readOnly) throw new ImapError("NO", "Mailbox is read-only", "READ-ONLY");
  const removed = await session.store.messages.expunge(selected.mailboxId, uids);
  // Highest first, so that every number is right at the moment the client reads it.
  for (const seq of selected.removeOwnExpunges(removed)) session.write(untagged(String(seq), "EXPUNGE"));
  await session.finish(command.tag, "OK", "EXPUNGE completed");
}

export const expunge = (session: ImapSession, command: ImapCommand) => expungeSome(session, command);

export async function uidExpunge(session: ImapSession, command: ImapCommand) {
  const uids = resolveMessages(session, asAtom(command.args[0]), true).map((m) => m.uid);
  await expungeSome(session, command, uids);
}
