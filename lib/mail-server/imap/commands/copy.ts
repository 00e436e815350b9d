// COPY, MOVE (RFC 6851) and their UID forms, with COPYUID (RFC 4315). UIDs that no longer
// exist are skipped, not refused: clients act on what they last saw.
import { asAtom, formatUidSet, untagged, type ImapCommand } from "../protocol";
import { ImapError, type ImapSession } from "../session";
import { mailboxName, resolveMessages } from "./util";
import { asImapError } from "./mailboxes";
import { ensureRoomForCopy } from "./quota";

async function transfer(session: ImapSession, command: ImapCommand, byUid: boolean, moving: boolean) {
  const selected = session.selected!;
  if (moving && selected.readOnly) throw new ImapError("NO", "Mailbox is read-only", "READ-ONLY");
  const messages = resolveMessages(session, asAtom(command.args[0]), byUid);
  const target = await session.store.folders.get(session.user!.accountId, mailboxName(session, command.args[1]));
  if (!target) throw new ImapError("NO", "No such mailbox", "TRYCREATE");
  const uids = messages.map((m) => m.uid);
  if (!uids.length) return session.finish(command.tag, "OK", `${moving ? "MOVE" : "COPY"} completed, nothing to do`, undefined, { allowExpunge: byUid });
  if (!moving) await ensureRoomForCopy(session, selected.mailboxId, uids);
  const result = await (moving ? session.store.messages.move(selected.mailboxId, uids, target.id) : session.store.messages.copy(selected.mailboxId, uids, target.id)).catch(asImapError);
  const code = result.pairs.length
    ? `COPYUID ${result.uidValidity} ${formatUidSet(result.pairs.map(([source]) => source))} ${formatUidSet(result.pairs.map(([, copy]) => copy))}`
    : undefined;
  if (moving) {
    // RFC 6851 §4.3: COPYUID comes in an untagged OK before the EXPUNGEs.
    if (code) session.write(untagged("OK", `[${code}] Moved`));
    for (const response of selected.expungeResponses(result.pairs.map(([source]) => source), session.qresync)) session.write(response);
    return session.finish(command.tag, "OK", "MOVE completed");
  }
  await session.finish(command.tag, "OK", "COPY completed", code, { allowExpunge: byUid });
}

export const copy = (session: ImapSession, command: ImapCommand) => transfer(session, command, false, false);
export const uidCopy = (session: ImapSession, command: ImapCommand) => transfer(session, command, true, false);
export const move = (session: ImapSession, command: ImapCommand) => transfer(session, command, false, true);
export const uidMove = (session: ImapSession, command: ImapCommand) => transfer(session, command, true, true);
