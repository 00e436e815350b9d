// SEARCH criteria (RFC 3501 §6.4.4, MODSEQ from RFC 7162 §3.1.5), shared by SEARCH, SORT and
// THREAD, which all end in "search-criteria". Parsing turns the keys into one predicate.
// Flags, sizes, dates, UIDs and sequence numbers are tested synchronously on the rows of
// one listing; the rest is fetched before testing (the subject and address analysis, only
// when a key needs it; full-text matches, once per BODY/TEXT key) or, for HEADER, read on
// demand, so that "ALL" over 100,000 messages costs no promise per message.
import type { Envelope, EnvelopeAddress } from "@/lib/mime/analyze";
import type { MessageState } from "../../store";
import { asAString, asAtom, parseSequenceSet, contains, ImapSyntaxError, type ImapToken } from "../protocol";
import type { ImapSession } from "../session";

type Fields = { subject: string; sentAt: Date | null; envelope: string; blobHash: string; headerSize: number };

interface Context {
  session: ImapSession;
  /** Loaded before testing when a key needs it (see Criteria.needsFields). */
  fields: Map<number, Fields>;
  headers: Map<number, string>;
}

/** true/false for what a row tells at once; a promise only where message bytes are read. */
type Verdict = boolean | Promise<boolean>;
type Key = (message: MessageState, context: Context) => Verdict;

interface Parse {
  session: ImapSession;
  needsFields: boolean;
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

const hasFlag = (flag: string): Key => {
  const lower = flag.toLowerCase();
  return (m) => m.flags.some((f) => f.toLowerCase() === lower);
};
const not =
  (key: Key): Key =>
  (m, c) =>
    invert(key(m, c));

/** All keys hold; stays synchronous until a key answers with a promise. */
function all(keys: Key[]): Key {
  const rest = async (pending: Promise<boolean>, from: number, m: MessageState, c: Context) => {
    if (!(await pending)) return false;
    for (let i = from; i < keys.length; i++) if (!(await keys[i](m, c))) return false;
    return true;
  };
  return (m, c) => {
    for (let i = 0; i < keys.length; i++) {
      const verdict = keys[i](m, c);
      if (verdict === false) return false;
      if (verdict !== true) return rest(verdict, i + 1, m, c);
    }
    return true;
  };
}

function either(a: Key, b: Key): Key {
  return (m, c) => {
    const first = a(m, c);
    if (first === true) return true;
    if (first === false) return b(m, c);
    return first.then((v) => v || b(m, c));
  };
}

function addressText(list: EnvelopeAddress[] | null): string {
  return (list ?? []).map(([name, , mailbox, host]) => `${name ?? ""} <${mailbox ?? ""}@${host ?? ""}>`).join(", ").toLowerCase();
}

function fieldKey(parse: Parse, field: "from" | "to" | "cc" | "bcc" | "subject", needle: string): Key {
  parse.needsFields = true;
  const lower = needle.toLowerCase();
  return (m, c) => {
    const fields = c.fields.get(m.contentId);
    if (!fields) return false;
    if (field === "subject") return fields.subject.toLowerCase().includes(lower);
    const envelope = JSON.parse(fields.envelope) as Envelope;
    return addressText(envelope[field]).includes(lower);
  };
}

function textKey(parse: Parse, field: "body" | "all", needle: string): Key {
  let query = parse.textQueries.find((q) => q.field === field && q.needle === needle);
  if (!query) {
    query = { field, needle, matches: new Set() };
    parse.textQueries.push(query);
  }
  const { matches } = query;
  return (m) => matches.has(m.contentId);
}

function headerKey(parse: Parse, name: string, needle: string): Key {
  parse.needsFields = true;
  const field = name.toLowerCase();
  const lower = needle.toLowerCase();
  const test = (header: string) =>
    header.split(/\r?\n/).some((line) => {
      const colon = line.indexOf(":");
      return colon > 0 && line.slice(0, colon).trim().toLowerCase() === field && line.slice(colon + 1).toLowerCase().includes(lower);
    });
  return (m, c) => {
    const cached = c.headers.get(m.contentId);
    if (cached !== undefined) return test(cached);
    const fields = c.fields.get(m.contentId);
    if (!fields) return test("");
    return c.session.store.readMessage(fields.blobHash).then((bytes) => {
      const header = bytes.subarray(0, fields.headerSize).toString("utf8").replace(/\r?\n[ \t]+/g, " ");
      c.headers.set(m.contentId, header);
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
      return hasFlag(`\\${name}`);
    case "UNANSWERED":
    case "UNDELETED":
    case "UNDRAFT":
    case "UNFLAGGED":
    case "UNSEEN":
      return not(hasFlag(`\\${name.slice(2)}`));
    case "KEYWORD":
      return hasFlag(arg());
    case "UNKEYWORD":
      return not(hasFlag(arg()));
    case "RECENT":
      return (m, c) => c.session.selected!.recent.has(m.uid);
    case "NEW":
      return (m, c) => c.session.selected!.recent.has(m.uid) && !m.flags.includes("\\Seen");
    case "OLD":
      return (m, c) => !c.session.selected!.recent.has(m.uid);
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
      return (m) => m.size > n;
    }
    case "SMALLER": {
      const n = Number(asAtom(tokens.shift()));
      if (!Number.isSafeInteger(n)) throw new ImapSyntaxError("SMALLER takes a number");
      return (m) => m.size < n;
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
      const compare = name.endsWith("BEFORE") ? (d: number) => d < date : name.endsWith("ON") ? (d: number) => d === date : (d: number) => d >= date;
      return (m, c) => {
        const when = sent ? sentDay(c.fields.get(m.contentId)) : day(m.internalDate);
        return when !== null && compare(when);
      };
    }
    case "UID": {
      const set = parseSequenceSet(asAtom(tokens.shift()));
      return (m, c) => contains(set, m.uid, c.session.selected!.maxUid);
    }
    case "MODSEQ": {
      // MODSEQ [entry-name entry-type] mod-sequence (RFC 7162 §3.1.5); entries are all alike here.
      if (tokens[0]?.type === "string") {
        tokens.shift();
        asAtom(tokens.shift());
      }
      const text = asAtom(tokens.shift());
      if (!/^\d{1,19}$/.test(text)) throw new ImapSyntaxError("MODSEQ takes a number");
      const floor = BigInt(text);
      parse.session.enableCondstore();
      return (m) => m.modSeq >= floor;
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
        return (m, c) => contains(set, c.session.selected!.seqOf(m.uid), c.session.selected!.exists);
      }
      throw new ImapSyntaxError(`Unknown search key ${word.slice(0, 30)}`);
    }
  }
}

function mentionsModSeq(tokens: readonly ImapToken[]): boolean {
  return tokens.some((token) => (token.type === "atom" && token.value.toUpperCase() === "MODSEQ") || (token.type === "list" && mentionsModSeq(token.items)));
}

/** A message with its sequence number in this session. */
export interface ViewItem<T extends MessageState = MessageState> {
  message: T;
  seq: number;
}

export interface Criteria {
  /** The criteria name MODSEQ: the result reports the highest MODSEQ of the matches (RFC 7162 §3.1.5). */
  readonly mentionsModSeq: boolean;
  /** The messages that match, in the order given. */
  filter<T extends MessageState>(session: ImapSession, view: readonly ViewItem<T>[]): Promise<ViewItem<T>[]>;
}

/** search-criteria: one or more search keys, all of which must hold. Consumes every token. */
export function parseCriteria(tokens: readonly ImapToken[], session: ImapSession): Criteria {
  const parse: Parse = { session, needsFields: false, textQueries: [] };
  const rest = [...tokens];
  const keys: Key[] = [];
  while (rest.length) keys.push(parseKey(rest, parse));
  if (!keys.length) throw new ImapSyntaxError("Search criteria missing");
  const key = keys.length === 1 ? keys[0] : all(keys);
  return {
    mentionsModSeq: mentionsModSeq(tokens),
    async filter(session, view) {
      const mailboxId = session.selected!.mailboxId;
      for (const query of parse.textQueries) for (const id of await session.store.search(query.needle, query.field, mailboxId)) query.matches.add(id);
      const context: Context = {
        session,
        fields: parse.needsFields ? await session.store.messages.searchFields(view.map((item) => item.message.contentId)) : new Map(),
        headers: new Map(),
      };
      const found: (typeof view)[number][] = [];
      for (const item of view) {
        const verdict = key(item.message, context);
        if (verdict === true || (verdict !== false && (await verdict))) found.push(item);
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
export function inSessionView<T extends MessageState>(session: ImapSession, listing: readonly T[]): ViewItem<T>[] {
  const selected = session.selected!;
  const out: ViewItem<T>[] = [];
  for (const message of listing) {
    const seq = selected.seqOf(message.uid);
    if (seq) out.push({ message, seq });
  }
  return out;
}
