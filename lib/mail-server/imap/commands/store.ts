// STORE and UID STORE (RFC 3501 §6.4.6): FLAGS, +FLAGS, -FLAGS, each with .SILENT.
import { asAtom, asList, list, untagged, ImapSyntaxError, type ImapCommand, type ImapToken } from "../protocol";
import { ImapError, type ImapSession } from "../session";
import { parseFlags, resolveMessages } from "./util";
import { asImapError } from "./mailboxes";

async function run(session: ImapSession, command: ImapCommand, byUid: boolean) {
  const selected = session.selected!;
  if (selected.readOnly) throw new ImapError("NO", "Mailbox is read-only", "READ-ONLY");
  const [setToken, itemToken, ...flagTokens] = command.args;
  const messages = resolveMessages(session, asAtom(setToken), byUid);
  const item = asAtom(itemToken).toUpperCase();
  const match = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
  if (!match) throw new ImapSyntaxError("STORE takes FLAGS, +FLAGS or -FLAGS");
  const tokens: ImapToken[] = flagTokens.length === 1 && flagTokens[0].type === "list" ? asList(flagTokens[0]) : flagTokens;
  const flags = parseFlags(tokens);
  const mode = match[1] === "+" ? "add" : match[1] === "-" ? "remove" : "set";
  const uids = messages.map((m) => m.uid);
  const { changed } = uids.length ? await session.store.messages.setFlags(selected.mailboxId, uids, mode, flags).catch(asImapError) : { changed: [] };
  for (const state of changed) selected.noteOwnChange(state.uid, state.modSeq);
  if (!match[2]) {
    // Every message named gets its flags back, changed or not.
    for (const state of await session.store.messages.byUids(selected.mailboxId, uids)) {
      const items: (string | Buffer)[] = ["FLAGS", list(state.flags)];
      if (byUid) items.push("UID", String(state.uid));
      session.write(untagged(String(selected.seqOf(state.uid)), "FETCH", list(items)));
    }
  }
  await session.finish(command.tag, "OK", "STORE completed", undefined, { allowExpunge: byUid, withUid: byUid });
}

export const store = (session: ImapSession, command: ImapCommand) => run(session, command, false);
export const uidStore = (session: ImapSession, command: ImapCommand) => run(session, command, true);
