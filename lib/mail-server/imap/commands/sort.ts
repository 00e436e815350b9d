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
import { parseSortProgram, sortItems, type SortCriterion, type SortItem } from "../search/sort";
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

/**
 * The order of every listed message under a sort program, kept per listing while it doesn't
 * grow: the webmail sorts the same 100,000-message INBOX again at every page and every new
 * client. Sorting all rows, ties by ascending UID, then keeping the matches gives the order
 * RFC 5256 asks of the matches alone, ties by ascending sequence number, since sequence
 * numbers ascend with UIDs. DISPLAYTO sorts by envelopes read per command and is not kept.
 */
const ORDERS = new WeakMap<readonly SortKeys[], Map<string, { length: number; order: Uint32Array }>>();
const MAX_ORDERS_PER_LISTING = 8;

function orderOf(rows: readonly SortKeys[], program: readonly SortCriterion[]): Uint32Array {
  let orders = ORDERS.get(rows);
  if (!orders) ORDERS.set(rows, (orders = new Map()));
  const key = program.map((c) => `${c.reverse ? "-" : ""}${c.key}`).join(" ");
  const cached = orders.get(key);
  if (cached && cached.length === rows.length) return cached.order;
  const indexed = rows.map((message, seq) => ({ message, seq }));
  const order = Uint32Array.from(sortItems(indexed, program), (item) => item.seq);
  orders.delete(key);
  orders.set(key, { length: rows.length, order });
  if (orders.size > MAX_ORDERS_PER_LISTING) orders.delete(orders.keys().next().value!);
  return order;
}

/** The matches in the program's order, from the kept order of all rows. */
function sortFound(rows: readonly SortKeys[], found: readonly ViewItem<SortKeys>[], program: readonly SortCriterion[]): ViewItem<SortKeys>[] {
  const order = orderOf(rows, program);
  // Each row's match, by position: rows and matches are both in ascending UID order.
  const matchAt = new Array<ViewItem<SortKeys> | undefined>(rows.length);
  let r = 0;
  for (const item of found) {
    while (r < rows.length && rows[r] !== item.message) r++;
    if (r < rows.length) matchAt[r] = item;
  }
  const out: ViewItem<SortKeys>[] = [];
  for (const index of order) {
    const match = matchAt[index];
    if (match) out.push(match);
  }
  return out;
}

async function run(session: ImapSession, command: ImapCommand, byUid: boolean) {
  const selected = session.selected!;
  const tokens = [...command.args];
  const options = takeReturnOptions(tokens);
  const program = parseSortProgram(asList(tokens.shift()));
  checkCharset(asAString(tokens.shift()));
  const criteria = parseCriteria(tokens, session);
  const rows = await SORT_KEYS.rows(session.store, selected);
  // SORT … ALL, what a client listing a folder sends: the kept order, minus what the session doesn't number.
  if (criteria.matchesAll && !options && !program.some((criterion) => criterion.key === "DISPLAYTO")) {
    const numbers: number[] = [];
    for (const index of orderOf(rows, program)) {
      const uid = rows[index].uid;
      const seq = selected.seqOf(uid);
      if (seq) numbers.push(byUid ? uid : seq);
    }
    session.write(untagged("SORT", ...(numbers.length ? [numbers.join(" ")] : [])));
    return session.finish(command.tag, "OK", "SORT completed", undefined, { allowExpunge: byUid, withUid: byUid });
  }
  const view = inSessionView(session, rows);
  const found = await criteria.filter(session, view);
  const sorted = program.some((criterion) => criterion.key === "DISPLAYTO") ? sortItems(await withDisplayTo(session, found), program) : sortFound(rows, found, program);
  // States (and so MODSEQs) are there when the criteria name MODSEQ, the only time they are reported.
  const modSeqOf = criteria.mentionsModSeq ? new Map(found.map((item) => [item.message.uid, item.modSeq ?? 0n])) : null;
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
