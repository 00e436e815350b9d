// STORE and UID STORE (RFC 3501 §6.4.6): FLAGS, +FLAGS, -FLAGS, each with .SILENT.
import { asAtom, asList, formatUidSet, listText, untagged, ImapSyntaxError, type ImapCommand, type ImapToken } from "../protocol";
import { ImapError, type ImapSession } from "../session";
import { parseFlags, resolveMessages } from "./util";
import { asImapError } from "./mailboxes";

async function run(session: ImapSession, command: ImapCommand, byUid: boolean) {
  const selected = session.selected!;
  if (selected.readOnly) throw new ImapError("NO", "Mailbox is read-only", "READ-ONLY");
  const args = [...command.args];
  const setToken = args.shift();
  // STORE modifiers (RFC 4466): UNCHANGEDSINCE (RFC 7162 §3.1.3).
  let unchangedSince: bigint | undefined;
  if (args[0]?.type === "list") {
    const modifiers = asList(args.shift());
    if (modifiers.length !== 2 || asAtom(modifiers[0]).toUpperCase() !== "UNCHANGEDSINCE" || !/^\d{1,19}$/.test(asAtom(modifiers[1]))) {
      throw new ImapSyntaxError("Unknown STORE modifier");
    }
    unchangedSince = BigInt(asAtom(modifiers[1]));
    session.enableCondstore();
  }
  const [itemToken, ...flagTokens] = args;
  const messages = resolveMessages(session, asAtom(setToken), byUid);
  const item = asAtom(itemToken).toUpperCase();
  const match = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
  if (!match) throw new ImapSyntaxError("STORE takes FLAGS, +FLAGS or -FLAGS");
  const tokens: ImapToken[] = flagTokens.length === 1 && flagTokens[0].type === "list" ? asList(flagTokens[0]) : flagTokens;
  const flags = parseFlags(tokens);
  const mode = match[1] === "+" ? "add" : match[1] === "-" ? "remove" : "set";
  const uids = messages.map((m) => m.uid);
  const { changed, modified } = uids.length
    ? await session.store.messages.setFlags(selected.mailboxId, uids, mode, flags, unchangedSince).catch(asImapError)
    : { changed: [], modified: [] };
  for (const state of changed) selected.noteOwnChange(state.uid, state.modSeq);
  const changedUids = new Set(changed.map((state) => state.uid));
  for (const response of selected.flagResponses(changed.flatMap((state) => state.flags))) session.write(response);
  const failed = new Set(modified);
  // Every message named gets its flags back, changed or not; with .SILENT only the MODSEQ of
  // those changed, when CONDSTORE is on (RFC 7162 §3.1.3).
  for (const state of await session.store.messages.byUids(selected.mailboxId, uids)) {
    if (failed.has(state.uid)) continue;
    const items: string[] = [];
    if (!match[2]) items.push("FLAGS", listText(selected.flagsOf(state.uid, state.flags)));
    if (byUid || session.qresync) items.push("UID", String(state.uid));
    if (session.condstore && (!match[2] || changedUids.has(state.uid))) items.push("MODSEQ", `(${state.modSeq})`);
    if (items.length > (byUid || session.qresync ? 2 : 0)) session.write(untagged(String(selected.seqOf(state.uid)), "FETCH", listText(items)));
  }
  const code = modified.length ? `MODIFIED ${formatUidSet(byUid ? modified : modified.map((uid) => selected.seqOf(uid)))}` : undefined;
  await session.finish(command.tag, "OK", modified.length ? "Conditional STORE failed for some messages" : "STORE completed", code, { allowExpunge: byUid, withUid: byUid });
}

export const store = (session: ImapSession, command: ImapCommand) => run(session, command, false);
export const uidStore = (session: ImapSession, command: ImapCommand) => run(session, command, true);
