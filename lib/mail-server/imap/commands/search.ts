// SEARCH and UID SEARCH (RFC 3501 §6.4.4), with RETURN options answered by ESEARCH
// (RFC 4731). The criteria are search/criteria.ts's, shared with SORT and THREAD; the
// messages come from the mailbox's state cache (store/state-cache.ts).
import { untagged, type ImapCommand } from "../protocol";
import type { ImapSession } from "../session";
import { inSessionView, parseCriteria, type Candidate } from "../search/criteria";
import { esearchResponse, takeReturnOptions, takeSearchCharset } from "../search/results";

/** Every message of the selected mailbox, from the state cache: no listing through SQL per SEARCH. */
async function candidates(session: ImapSession): Promise<Candidate[]> {
  const states = await session.store.states.get(session.selected!.mailboxId);
  if (!states) return [];
  const out = new Array<Candidate>(states.size);
  for (let i = 0; i < states.size; i++) out[i] = { uid: states.uids[i], contentId: states.contentIds[i] };
  return out;
}

async function run(session: ImapSession, command: ImapCommand, byUid: boolean) {
  const tokens = [...command.args];
  const options = takeReturnOptions(tokens);
  takeSearchCharset(tokens);
  const criteria = parseCriteria(tokens, session);
  const found = await criteria.filter(session, inSessionView(session, await candidates(session)));
  const matches = found.map((item) => ({ number: byUid ? item.message.uid : item.seq, modSeq: item.modSeq ?? 0n }));
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
