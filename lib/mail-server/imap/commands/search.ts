// SEARCH and UID SEARCH (RFC 3501 §6.4.4). Flags, sizes and dates come from the message
// rows, addresses and subject from the analysis stored at delivery, BODY and TEXT from the
// full-text index; only HEADER reads message bytes (the header block alone).
import type { Envelope, EnvelopeAddress } from "@/lib/mime/analyze";
import type { MessageState } from "../../store";
import { asAString, asAtom, parseSequenceSet, contains, untagged, ImapSyntaxError, type ImapCommand, type ImapToken } from "../protocol";
import { ImapError, type ImapSession } from "../session";

type Fields = { subject: string; sentAt: Date | null; envelope: string; blobHash: string; headerSize: number };

interface Context {
  session: ImapSession;
  states: MessageState[];
  seqOf: Map<number, number>;
  fields: Map<number, Fields>;
  textMatches: Map<string, Set<number>>;
  headers: Map<number, string>;
}

type Key = (message: MessageState, context: Context) => boolean | Promise<boolean>;

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

const hasFlag = (flag: string): Key => (m) => m.flags.some((f) => f.toLowerCase() === flag.toLowerCase());
const not = (key: Key): Key => async (m, c) => !(await key(m, c));

function addressText(list: EnvelopeAddress[] | null): string {
  return (list ?? []).map(([name, , mailbox, host]) => `${name ?? ""} <${mailbox ?? ""}@${host ?? ""}>`).join(", ").toLowerCase();
}

function fieldKey(field: "from" | "to" | "cc" | "bcc" | "subject", needle: string): Key {
  const lower = needle.toLowerCase();
  return (m, c) => {
    const fields = c.fields.get(m.contentId);
    if (!fields) return false;
    if (field === "subject") return fields.subject.toLowerCase().includes(lower);
    const envelope = JSON.parse(fields.envelope) as Envelope;
    return addressText(envelope[field]).includes(lower);
  };
}

function textKey(field: "body" | "all", needle: string): Key {
  return async (m, c) => {
    const cacheKey = `${field}\u0000${needle}`;
    let matches = c.textMatches.get(cacheKey);
    if (!matches) {
      matches = new Set(await c.session.store.search(needle, field, c.session.selected!.mailboxId));
      c.textMatches.set(cacheKey, matches);
    }
    return matches.has(m.contentId);
  };
}

function headerKey(name: string, needle: string): Key {
  const field = name.toLowerCase();
  const lower = needle.toLowerCase();
  return async (m, c) => {
    let header = c.headers.get(m.contentId);
    if (header === undefined) {
      const fields = c.fields.get(m.contentId);
      header = fields ? (await c.session.store.readMessage(fields.blobHash)).subarray(0, fields.headerSize).toString("utf8").replace(/\r?\n[ \t]+/g, " ") : "";
      c.headers.set(m.contentId, header);
    }
    return header.split(/\r?\n/).some((line) => {
      const colon = line.indexOf(":");
      return colon > 0 && line.slice(0, colon).trim().toLowerCase() === field && line.slice(colon + 1).toLowerCase().includes(lower);
    });
  };
}

/** Nesting of NOT, OR and lists: deeper is no search a person makes, and recursion has limits. */
const MAX_SEARCH_DEPTH = 64;

/** Parses one search key (and what it takes) from the front of tokens. */
function parseKey(tokens: ImapToken[], session: ImapSession, depth = 0): Key {
  if (depth > MAX_SEARCH_DEPTH) throw new ImapSyntaxError("Search criteria nested too deeply", { code: "LIMIT" });
  const token = tokens.shift();
  if (!token) throw new ImapSyntaxError("Missing search key");
  if (token.type === "list") {
    const inner = [...token.items];
    const keys: Key[] = [];
    while (inner.length) keys.push(parseKey(inner, session, depth + 1));
    return async (m, c) => {
      for (const key of keys) if (!(await key(m, c))) return false;
      return true;
    };
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
      return fieldKey(name.toLowerCase() as "from", arg());
    case "BODY":
      return textKey("body", arg());
    case "TEXT":
      return textKey("all", arg());
    case "HEADER": {
      const field = arg();
      return headerKey(field, arg());
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
      session.enableCondstore();
      return (m) => m.modSeq >= floor;
    }
    case "NOT": {
      const inner = parseKey(tokens, session, depth + 1);
      return not(inner);
    }
    case "OR": {
      const a = parseKey(tokens, session, depth + 1);
      const b = parseKey(tokens, session, depth + 1);
      return async (m, c) => (await a(m, c)) || (await b(m, c));
    }
    default: {
      if (/^[\d*:,$]+$/.test(word)) {
        const set = parseSequenceSet(word);
        // "*" is the last message the client knows of, expunges not yet told included.
        return (m, c) => contains(set, c.seqOf.get(m.uid) ?? 0, c.session.selected!.exists);
      }
      throw new ImapSyntaxError(`Unknown search key ${word.slice(0, 30)}`);
    }
  }
}

function mentionsModSeq(tokens: ImapToken[]): boolean {
  return tokens.some((token) => (token.type === "atom" && token.value.toUpperCase() === "MODSEQ") || (token.type === "list" && mentionsModSeq(token.items)));
}

async function run(session: ImapSession, command: ImapCommand, byUid: boolean) {
  const selected = session.selected!;
  const tokens = [...command.args];
  if (tokens[0]?.type === "atom" && tokens[0].value.toUpperCase() === "CHARSET") {
    tokens.shift();
    const charset = asAString(tokens.shift()).toUpperCase();
    if (charset !== "UTF-8" && charset !== "US-ASCII") throw new ImapError("NO", "Unsupported charset", "BADCHARSET (UTF-8 US-ASCII)");
  }
  const keys: Key[] = [];
  while (tokens.length) keys.push(parseKey(tokens, session));
  if (!keys.length) throw new ImapSyntaxError("SEARCH needs a search key");
  const states = await session.store.messages.byUids(selected.mailboxId, selected.uids);
  const context: Context = {
    session,
    states,
    seqOf: new Map(selected.uids.map((uid, i) => [uid, i + 1])),
    fields: await session.store.messages.searchFields(states.map((s) => s.contentId)),
    textMatches: new Map(),
    headers: new Map(),
  };
  const found: number[] = [];
  let highest = 0n;
  for (const state of states) {
    let match = true;
    for (const key of keys) {
      if (!(await key(state, context))) {
        match = false;
        break;
      }
    }
    if (match) {
      found.push(byUid ? state.uid : context.seqOf.get(state.uid)!);
      if (state.modSeq > highest) highest = state.modSeq;
    }
  }
  // Criteria naming MODSEQ get the highest MODSEQ of the matches with the result (RFC 7162 §3.1.5).
  const modSeq = mentionsModSeq(command.args) && found.length ? [`(MODSEQ ${highest})`] : [];
  session.write(untagged("SEARCH", ...found.map(String), ...modSeq));
  await session.finish(command.tag, "OK", "SEARCH completed", undefined, { allowExpunge: byUid, withUid: byUid });
}

export const search = (session: ImapSession, command: ImapCommand) => run(session, command, false);
export const uidSearch = (session: ImapSession, command: ImapCommand) => run(session, command, true);
