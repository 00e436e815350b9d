// SEARCH and UID SEARCH (RFC 3501 §6.4.4), with RETURN options answered by ESEARCH
// (RFC 4731). The criteria are search/criteria.ts's, shared with SORT and THREAD; the
// messages come from one listing of the mailbox.
import { untagged, type ImapCommand } from "../protocol";
import type { ImapSession } from "../session";
import { inSessionView, parseCriteria } from "../search/criteria";
import { esearchResponse, takeReturnOptions, takeSearchCharset } from "../search/results";

async function run(session: ImapSession, command: ImapCommand, byUid: boolean) {
  const selected = session.selected!;
  const tokens = [...command.args];
  const options = takeReturnOptions(tokens);
  takeSearchCharset(tokens);
  const criteria = parseCriteria(tokens, session);
  const view = inSessionView(session, await session.store.messages.list(selected.mailboxId));
  const found = await criteria.filter(session, view, view.map((item) => item.message));
  const matches = found.map((item) => ({ number: byUid ? item.message.uid : item.seq, modSeq: item.message.modSeq }));
  if (options) {
    session.write(esearchResponse(command.tag, byUid, options, matches, criteria.mentionsModSeq));
  } else {
    // Criteria naming MODSEQ get the highest MODSEQ of the matches with the result (RFC 7162 §3.1.5).
    const highest = matches.reduce((high, m) => (m.modSeq > high ? m.modSeq : high), 0n);
    const modSeq = criteria.mentionsModSeq && matches.length ? [`(MODSEQ ${highest})`] : [];
    // One joined part: spreading 100,000 numbers as arguments would overflow the stack.
    const numbers = matches.length ? [matches.map((m) => m.number).join(" ")] : [];
    session.write(untagged("SEARCH", ...numbers, ...modSeq));
  }
  await session.finish(command.tag, "OK", "SEARCH completed", undefined, { allowExpunge: byUid, withUid: byUid });
}

export const search = (session: ImapSession, command: ImapCommand) => run(session, command, false);
export const uidSearch = (session: ImapSession, command: ImapCommand) => run(session, command, true);
