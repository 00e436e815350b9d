// SEARCH criteria (RFC 3501 §6.4.4, MODSEQ from RFC 7162 §3.1.5), shared by SEARCH, SORT and
// THREAD, which all end in "search-criteria". Parsing turns the keys into one predicate over
// the i-th message of a listing, and notes what the keys read: UIDs and sequence numbers
// always there; flags, sizes, dates and MODSEQ (the message states) and the subject and
// address analysis loaded only when a key needs them; full-text matches fetched once per
// BODY/TEXT key; HEADER read on demand. Everything but HEADER is tested synchronously, so
// "ALL" over 100,000 messages costs no promise per message.
import libmime from "libmime";
import { headerText, type Envelope, type EnvelopeAddress } from "@/lib/mime/analyze";
import type { MailboxStates } from "../../store";
import { asAString, asAtom, parseSequenceSet, contains, ImapSyntaxError, type ImapToken } from "../protocol";
import type { ImapSession } from "../session";
import { KeyCache } from "./key-cache";

type Fields = { subject: string; sentAt: Date | null; envelope: string; blobHash: string; headerSize: number };

/** What every key may read of a message. */
export interface Candidate {
  uid: number;
  contentId: number;
}

interface Context {
  session: ImapSession;
  candidates: readonly Candidate[];
  /** The mailbox's message states, when a key reads them (Parse.needsState); candidates[i] is at stateAt[i]. */
  states: MailboxStates | null;
  stateAt: Int32Array;
  /** Loaded before testing when a key needs it (Parse.needsFields). */
  fields: Map<number, Fields>;
  /** The mailbox's searchable subjects and addresses in UID order (Parse.needsText), kept between commands. */
  texts: readonly MessageTexts[];
  headers: Map<number, string>;
}

/** true/false for what a row tells at once; a promise only where message bytes are read. */
type Verdict = boolean | Promise<boolean>;
type Key = (i: number, context: Context) => Verdict;

interface Parse {
  session: ImapSession;
  needsState: boolean;
  needsFields: boolean;
  needsText: boolean;
  /** Full-text lookups to run before testing, each filling its set. */
  textQueries: { field: "body" | "all"; needle: string; matches: Set<number> }[];
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** date (RFC 3501 §9): "1-Feb-1994", compared by day only. */
function parseSearchDate(text: string): number {
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  const month = match ? MONTHS.indexOf(match[2].toLowerCase()) : -1;
  if (!match || month < 0) throw new ImapSyntaxError("Invalid date");
  return Date.UTC(Number(match[3]), month, Number(match[1]));
}

const DAY_MS = 86_400_000;
const day = (date: Date) => Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());

/** The day a Date field names, in its own zone ("disregarding time and timezone", RFC 3501 §6.4.4). */
function sentDay(fields: Fields | undefined): number | null {
  if (!fields) return null;
  const written = (JSON.parse(fields.envelope) as Envelope).date;
  const match = written ? /(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2,4})/.exec(written) : null;
  const month = match ? MONTHS.indexOf(match[2].toLowerCase()) : -1;
  if (match && month >= 0) {
    const year = Number(match[3]) < 100 ? 1900 + Number(match[3]) + (Number(match[3]) < 50 ? 100 : 0) : Number(match[3]);
    return Date.UTC(year, month, Number(match[1]));
  }
  return fields.sentAt ? day(fields.sentAt) : null;
}

const invert = (verdict: Verdict): Verdict => (typeof verdict === "boolean" ? !verdict : verdict.then((v) => !v));

function hasFlag(parse: Parse, flag: string): Key {
  parse.needsState = true;
  const lower = flag.toLowerCase();
  return (i, c) => c.states!.hasFlag(c.stateAt[i], lower);
}
const not =
  (key: Key): Key =>
  (i, c) =>
    invert(key(i, c));

/** All keys hold; stays synchronous until a key answers with a promise. */
function all(keys: Key[]): Key {
  const rest = async (pending: Promise<boolean>, from: number, i: number, c: Context) => {
    if (!(await pending)) return false;
    for (let k = from; k < keys.length; k++) if (!(await keys[k](i, c))) return false;
    return true;
  };
  return (i, c) => {
    for (let k = 0; k < keys.length; k++) {
      const verdict = keys[k](i, c);
      if (verdict === false) return false;
      if (verdict !== true) return rest(verdict, k + 1, i, c);
    }
    return true;
  };
}

function either(a: Key, b: Key): Key {
  return (i, c) => {
    const first = a(i, c);
    if (first === true) return true;
    if (first === false) return b(i, c);
    return first.then((v) => v || b(i, c));
  };
}

/** A header value as a person reads it: 8-bit bytes as Latin-1, encoded words (RFC 2047) decoded. */
function readable(value: string): string {
  const text = headerText(value);
  try {
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}

function addressText(list: EnvelopeAddress[] | null): string {
  return (list ?? []).map(([name, , mailbox, host]) => `${name ? readable(name) : ""} <${mailbox ?? ""}@${host ?? ""}>`).join(", ").toLowerCase();
}

/**
 * A message's subject and address fields as FROM, TO, CC, BCC and SUBJECT match them: decoded
 * and lower-cased once, when the mailbox is first searched, not per message per SEARCH (the
 * webmail's search box asks for all five over 100,000 messages at each keystroke's search).
 */
export interface MessageTexts {
  uid: number;
  subject: string;
  from: string;
  to: string;
  cc: string;
  bcc: string;
}

const MESSAGE_TEXTS = new KeyCache<MessageTexts>(async (store, mailboxId, sinceUid) =>
  (await store.messages.addressKeys(mailboxId, sinceUid)).map((row) => {
    let envelope: Partial<Envelope> = {};
    try {
      envelope = JSON.parse(row.envelope) as Envelope;
    } catch {
      // A row without a readable envelope matches on its subject only.
    }
    return {
      uid: row.uid,
      subject: row.subject.toLowerCase(),
      from: addressText(envelope.from ?? null),
      to: addressText(envelope.to ?? null),
      cc: addressText(envelope.cc ?? null),
      bcc: addressText(envelope.bcc ?? null),
    };
  }),
);

/** The texts of the message with this UID (rows are in UID order), or undefined. */
function textsOf(rows: readonly MessageTexts[], uid: number): MessageTexts | undefined {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = rows[mid].uid;
    if (at === uid) return rows[mid];
    if (at < uid) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

function fieldKey(parse: Parse, field: "from" | "to" | "cc" | "bcc" | "subject", needle: string): Key {
  parse.needsText = true;
  const lower = needle.toLowerCase();
  return (i, c) => textsOf(c.texts, c.candidates[i].uid)?.[field].includes(lower) ?? false;
}

function textKey(parse: Parse, field: "body" | "all", needle: string): Key {
  let query = parse.textQueries.find((q) => q.field === field && q.needle === needle);
  if (!query) {
    query = { field, needle, matches: new Set() };
    parse.textQueries.push(query);
  }
  const { matches } = query;
  return (i, c) => matches.has(c.candidates[i].contentId);
}

function headerKey(parse: Parse, name: string, needle: string): Key {
  parse.needsFields = true;
  const field = name.toLowerCase();
  const lower = needle.toLowerCase();
  const test = (header: string) =>
    header.split(/\r?\n/).some((line) => {
      const colon = line.indexOf(":");
      return colon > 0 && line.slice(0, colon).trim().toLowerCase() === field && readable(line.slice(colon + 1)).toLowerCase().includes(lower);
    });
  return (i, c) => {
    const { contentId } = c.candidates[i];
    const cached = c.headers.get(contentId);
    if (cached !== undefined) return test(cached);
    const fields = c.fields.get(contentId);
    if (!fields) return test("");
    return c.session.store.readMessage(fields.blobHash).then((bytes) => {
      const header = bytes.subarray(0, fields.headerSize).toString("utf8").replace(/\r?\n[ \t]+/g, " ");
      c.headers.set(contentId, header);
      return test(header);
    });
  };
}

/** Nesting of NOT, OR and lists: deeper is no search a person makes, and recursion has limits. */
const MAX_SEARCH_DEPTH = 64;

/** Parses one search key (and what it takes) from the front of tokens. */
function parseKey(tokens: ImapToken[], parse: Parse, depth = 0): Key {
  if (depth > MAX_SEARCH_DEPTH) throw new ImapSyntaxError("Search criteria nested too deeply", { code: "LIMIT" });
  const token = tokens.shift();
  if (!token) throw new ImapSyntaxError("Missing search key");
  if (token.type === "list") {
    const inner = [...token.items];
    const keys: Key[] = [];
    while (inner.length) keys.push(parseKey(inner, parse, depth + 1));
    return all(keys);
  }
  const word = asAtom(token);
  const name = word.toUpperCase();
  const arg = () => asAString(tokens.shift());
  switch (name) {
    case "ALL":
      return () => true;
    case "ANSWERED":
    case "DELETED":
    case "DRAFT":
    case "FLAGGED":
    case "SEEN":
      return hasFlag(parse, `\\${name}`);
    case "UNANSWERED":
    case "UNDELETED":
    case "UNDRAFT":
    case "UNFLAGGED":
    case "UNSEEN":
      return not(hasFlag(parse, `\\${name.slice(2)}`));
    case "KEYWORD":
      return hasFlag(parse, arg());
    case "UNKEYWORD":
      return not(hasFlag(parse, arg()));
    case "RECENT":
      return (i, c) => c.session.selected!.recent.has(c.candidates[i].uid);
    case "NEW":
      parse.needsState = true;
      return (i, c) => c.session.selected!.recent.has(c.candidates[i].uid) && !c.states!.isSeen(c.stateAt[i]);
    case "OLD":
      return (i, c) => !c.session.selected!.recent.has(c.candidates[i].uid);
    case "FROM":
    case "TO":
    case "CC":
    case "BCC":
    case "SUBJECT":
      return fieldKey(parse, name.toLowerCase() as "from", arg());
    case "BODY":
      return textKey(parse, "body", arg());
    case "TEXT":
      return textKey(parse, "all", arg());
    case "HEADER": {
      const field = arg();
      return headerKey(parse, field, arg());
    }
    case "LARGER": {
      const n = Number(asAtom(tokens.shift()));
      if (!Number.isSafeInteger(n)) throw new ImapSyntaxError("LARGER takes a number");
      parse.needsState = true;
      return (i, c) => c.states!.sizes[c.stateAt[i]] > n;
    }
    case "SMALLER": {
      const n = Number(asAtom(tokens.shift()));
      if (!Number.isSafeInteger(n)) throw new ImapSyntaxError("SMALLER takes a number");
      parse.needsState = true;
      return (i, c) => c.states!.sizes[c.stateAt[i]] < n;
    }
    case "BEFORE":
    case "ON":
    case "SINCE":
    case "SENTBEFORE":
    case "SENTON":
    case "SENTSINCE": {
      const date = parseSearchDate(arg());
      const sent = name.startsWith("SENT");
      if (sent) parse.needsFields = true;
      else parse.needsState = true;
      const compare = name.endsWith("BEFORE") ? (d: number) => d < date : name.endsWith("ON") ? (d: number) => d === date : (d: number) => d >= date;
      return (i, c) => {
        // INTERNALDATE is kept in UTC: its day is the ms floored to whole days.
        const when = sent ? sentDay(c.fields.get(c.candidates[i].contentId)) : Math.floor(c.states!.internalDates[c.stateAt[i]] / DAY_MS) * DAY_MS;
        return when !== null && compare(when);
      };
    }
    case "UID": {
      const set = parseSequenceSet(asAtom(tokens.shift()));
      return (i, c) => contains(set, c.candidates[i].uid, c.session.selected!.maxUid);
    }
    case "MODSEQ": {
      // MODSEQ [entry-name entry-type] mod-sequence (RFC 7162 §3.1.5); entries are all alike here.
      if (tokens[0]?.type === "string") {
        tokens.shift();
        asAtom(tokens.shift());
      }
      const text = asAtom(tokens.shift());
      if (!/^\d{1,19}$/.test(text)) throw new ImapSyntaxError("MODSEQ takes a number");
      // MODSEQs in the store are numbers far below 2^53; a bigger floor stays bigger as a number.
      const floor = Number(text);
      parse.session.enableCondstore();
      parse.needsState = true;
      return (i, c) => c.states!.modSeqs[c.stateAt[i]] >= floor;
    }
    case "NOT":
      return not(parseKey(tokens, parse, depth + 1));
    case "OR": {
      const a = parseKey(tokens, parse, depth + 1);
      const b = parseKey(tokens, parse, depth + 1);
      return either(a, b);
    }
    default: {
      if (/^[\d*:,$]+$/.test(word)) {
        const set = parseSequenceSet(word);
        // "*" is the last message the client knows of, expunges not yet told included.
        return (i, c) => contains(set, c.session.selected!.seqOf(c.candidates[i].uid), c.session.selected!.exists);
      }
      throw new ImapSyntaxError(`Unknown search key ${word.slice(0, 30)}`);
    }
  }
}

function mentionsModSeq(tokens: readonly ImapToken[]): boolean {
  return tokens.some((token) => (token.type === "atom" && token.value.toUpperCase() === "MODSEQ") || (token.type === "list" && mentionsModSeq(token.items)));
}

/** A message with its sequence number in this session. */
export interface ViewItem<T extends Candidate = Candidate> {
  message: T;
  seq: number;
}

/** A match, with its MODSEQ when the criteria name MODSEQ. */
export interface Found<T extends Candidate = Candidate> extends ViewItem<T> {
  modSeq?: bigint;
}

export interface Criteria {
  /** The criteria name MODSEQ: the result reports the highest MODSEQ of the matches (RFC 7162 §3.1.5). */
  readonly mentionsModSeq: boolean;
  /** The criteria are ALL alone: every message the session numbers matches. */
  readonly matchesAll: boolean;
  /** The messages that match, in the order given (ascending UIDs); messages gone from the store don't. */
  filter<T extends Candidate>(session: ImapSession, view: readonly ViewItem<T>[]): Promise<Found<T>[]>;
}

/** The view's messages that still exist, and where each is in the mailbox's states. */
async function withStates<T extends Candidate>(session: ImapSession, view: readonly ViewItem<T>[]): Promise<{ view: readonly ViewItem<T>[]; states: MailboxStates | null; stateAt: Int32Array }> {
  const states = await session.store.states.get(session.selected!.mailboxId);
  if (!states) return { view: [], states, stateAt: new Int32Array(0) };
  const kept: ViewItem<T>[] = [];
  const stateAt = new Int32Array(view.length);
  let hint = 0;
  for (const item of view) {
    const i = states.indexOf(item.message.uid, hint);
    if (i < 0) continue;
    hint = i + 1;
    stateAt[kept.length] = i;
    kept.push(item);
  }
  return { view: kept, states, stateAt };
}

/** search-criteria: one or more search keys, all of which must hold. Consumes every token. */
export function parseCriteria(tokens: readonly ImapToken[], session: ImapSession): Criteria {
  const parse: Parse = { session, needsState: false, needsFields: false, needsText: false, textQueries: [] };
  const rest = [...tokens];
  const keys: Key[] = [];
  while (rest.length) keys.push(parseKey(rest, parse));
  if (!keys.length) throw new ImapSyntaxError("Search criteria missing");
  const key = keys.length === 1 ? keys[0] : all(keys);
  const reportsModSeq = mentionsModSeq(tokens);
  return {
    mentionsModSeq: reportsModSeq,
    matchesAll: tokens.length === 1 && tokens[0].type === "atom" && tokens[0].value.toUpperCase() === "ALL",
    async filter(session, givenView) {
      const { view, states, stateAt } = parse.needsState || reportsModSeq ? await withStates(session, givenView) : { view: givenView, states: null, stateAt: new Int32Array(0) };
      const mailboxId = session.selected!.mailboxId;
      for (const query of parse.textQueries) for (const id of await session.store.search(query.needle, query.field, mailboxId)) query.matches.add(id);
      const candidates = view.map((item) => item.message);
      const context: Context = {
        session,
        candidates,
        states,
        stateAt,
        fields: parse.needsFields ? await session.store.messages.searchFields(candidates.map((m) => m.contentId)) : new Map(),
        texts: parse.needsText ? await MESSAGE_TEXTS.rows(session.store, session.selected!) : [],
        headers: new Map(),
      };
      const found: Found<(typeof view)[number]["message"]>[] = [];
      for (let i = 0; i < view.length; i++) {
        const verdict = key(i, context);
        // The view's own items where there are no states: no object per match.
        if (verdict === true || (verdict !== false && (await verdict))) found.push(reportsModSeq ? { ...view[i], modSeq: BigInt(states!.modSeqs[stateAt[i]]) } : view[i]);
      }
      return found;
    },
  };
}

/**
 * The messages of the selected mailbox as this session numbers them, from a listing of the
 * whole mailbox in UID order: messages delivered since the session last heard are left out
 * (the client has no number for them yet), as are those already gone from the store.
 */
export function inSessionView<T extends Candidate>(session: ImapSession, listing: readonly T[]): ViewItem<T>[] {
  const selected = session.selected!;
  const out: ViewItem<T>[] = [];
  for (const message of listing) {
    const seq = selected.seqOf(message.uid);
    if (seq) out.push({ message, seq });
  }
  return out;
}
