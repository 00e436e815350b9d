// SORT and UID SORT (RFC 5256 §3) with DISPLAYFROM/DISPLAYTO (RFC 5957) and RETURN options
// answered by ESEARCH (ESORT, RFC 5267). The keys come from one query over the columns
// delivery wrote (store sortKeys), kept between commands (search/key-cache.ts); only DISPLAYTO,
// whose display name no column holds, reads the envelopes of the matches.
import libmime from "libmime";
import type { Envelope } from "@/lib/mime/analyze";
import { asAString, asList, untagged, type ImapCommand } from "../protocol";
import type { ImapSession } from "../session";
import { inSessionView, parseCriteria, type ViewItem } from "../search/criteria";
import { KeyCache } from "../search/key-cache";
import { checkCharset, esearchResponse, takeReturnOptions } from "../search/results";
import { parseSortProgram, sortItems, type SortItem } from "../search/sort";
import type { SortKeys } from "../../store/message-ops";

const SORT_KEYS = new KeyCache<SortKeys>((store, mailboxId, sinceUid) => store.messages.sortKeys(mailboxId, sinceUid));

/** RFC 5957 §3: the first To address's display name (decoded), or its addr-spec when it has none. */
async function withDisplayTo(session: ImapSession, items: ViewItem<SortKeys>[]): Promise<SortItem[]> {
  const fields = await session.store.messages.searchFields(items.map((item) => item.message.contentId));
  return items.map((item) => {
    const envelope = fields.get(item.message.contentId)?.envelope;
    const first = envelope ? (JSON.parse(envelope) as Envelope).to?.find(([, , mailbox, host]) => mailbox !== null && host !== null) : undefined;
    if (!first) return { ...item, displayTo: "" };
    const [name, , mailbox, host] = first;
    let display = "";
    try {
      display = name ? libmime.decodeWords(name).trim() : "";
    } catch {
      display = name ?? "";
    }
    return { ...item, displayTo: display || `${mailbox}@${host}` };
  });
}

async function run(session: ImapSession, command: ImapCommand, byUid: boolean) {
  const selected = session.selected!;
  const tokens = [...command.args];
  const options = takeReturnOptions(tokens);
  const program = parseSortProgram(asList(tokens.shift()));
  checkCharset(asAString(tokens.shift()));
  const criteria = parseCriteria(tokens, session);
  const view = inSessionView(session, await SORT_KEYS.rows(session.store, selected));
  const found = await criteria.filter(session, view);
  const items = program.some((criterion) => criterion.key === "DISPLAYTO") ? await withDisplayTo(session, found) : found;
  const sorted = sortItems(items, program);
  // States (and so MODSEQs) are there when the criteria name MODSEQ, the only time they are reported.
  const modSeqOf = criteria.mentionsModSeq ? new Map(found.map((item) => [item.message.uid, item.state?.modSeq ?? 0n])) : null;
  const matches = sorted.map((item) => ({ number: byUid ? item.message.uid : item.seq, modSeq: modSeqOf?.get(item.message.uid) ?? 0n }));
  if (options) {
    session.write(esearchResponse(command.tag, byUid, options, matches, criteria.mentionsModSeq));
  } else {
    const highest = matches.reduce((high, m) => (m.modSeq > high ? m.modSeq : high), 0n);
    // RFC 7162 §3.1.5 gives SORT the same MODSEQ suffix as SEARCH.
    const modSeq = criteria.mentionsModSeq && matches.length ? [`(MODSEQ ${highest})`] : [];
    session.write(untagged("SORT", ...(matches.length ? [matches.map((m) => m.number).join(" ")] : []), ...modSeq));
  }
  await session.finish(command.tag, "OK", "SORT completed", undefined, { allowExpunge: byUid, withUid: byUid });
}

export const sort = (session: ImapSession, command: ImapCommand) => run(session, command, false);
export const uidSort = (session: ImapSession, command: ImapCommand) => run(session, command, true);
