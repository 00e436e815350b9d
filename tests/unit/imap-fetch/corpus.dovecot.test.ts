// Our IMAP server against Dovecot, over the wire, on a corpus of real-world-shaped messages
// (corpus.ts): every message is APPENDed to both, then both are asked the same FETCH items
// (ENVELOPE, BODY, BODYSTRUCTURE, RFC822.SIZE, and BODY[…] sections for every part the
// structure has: the part, its MIME header, HEADER/TEXT/HEADER.FIELDS(.NOT) of enclosed
// messages, partial ranges) and the same SEARCH criteria, and the answers must match. Ours
// runs on SQLite and on PostgreSQL, whose full-text indexes differ.
//
// Normalised, because RFC 3501 leaves them free: quoted vs literal strings (both are bytes);
// the case of body types, subtypes, parameter names and disposition types in BODY and
// BODYSTRUCTURE (Dovecot echoes the header's spelling, we write upper case); the order of
// items in a FETCH response; the order of numbers in a SEARCH result. ENVELOPE values and
// section bytes are compared exactly.
//
// Where the two differ on purpose, KNOWN_DIFFERENCES says who is right and why; an entry that
// stops differing fails, so the table can't go stale. Needs Dovecot (root + dovecot-imapd),
// like dovecot.test.ts: without it this fails rather than passing silently.
import { appendFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startImapServer, type ImapTestServer } from "../../helpers/imap";
import { PROVIDERS, type Provider } from "../../helpers/store";
import { IMAP_CORPUS } from "./corpus";
import { dovecotAvailable, parseFetchResponse, RawImap, startDovecot, type DovecotInstance, type ImapValue } from "./dovecot";

const INTERNALDATE = '"15-Mar-2024 12:00:00 +0000"';

/** A part of a BODYSTRUCTURE, with its section number and what sections it has. */
interface PartInfo {
  path: string;
  type: string;
  /** message/rfc822 with a parsed message inside: HEADER, TEXT and HEADER.FIELDS apply. */
  message: boolean;
}

const isList = (value: ImapValue): value is ImapValue[] => Array.isArray(value);
const word = (value: ImapValue): string => (value === null ? "NIL" : isList(value) ? "(list)" : Buffer.isBuffer(value) ? value.toString("latin1") : value.atom).toUpperCase();

/** Every part RFC 3501 §6.4.5 numbers, read from a BODYSTRUCTURE value. */
function partsOf(structure: ImapValue): PartInfo[] {
  const out: PartInfo[] = [];
  const visitChildren = (multipart: ImapValue[], prefix: string) => {
    multipart.filter(isList).forEach((child, i) => {
      if (!isList(child)) return;
      visit(child, prefix ? `${prefix}.${i + 1}` : String(i + 1));
    });
  };
  const visit = (body: ImapValue[], path: string) => {
    if (isList(body[0])) {
      out.push({ path, type: "MULTIPART", message: false });
      visitChildren(body, path);
      return;
    }
    const type = `${word(body[0])}/${word(body[1])}`;
    const inner = body[8];
    const message = type === "MESSAGE/RFC822" && isList(body[7] ?? null) && isList(inner ?? null);
    out.push({ path, type, message });
    if (message && isList(inner)) {
      if (isList(inner[0])) visitChildren(inner, path);
      else visit(inner, `${path}.1`);
    }
  };
  if (!isList(structure)) return out;
  if (isList(structure[0])) visitChildren(structure, "");
  else visit(structure, "1");
  return out.filter((p) => p.path !== "");
}

/** The FETCH items asked of both servers for one message. */
function fetchItems(parts: PartInfo[]): string[] {
  const items = [
    "BODY.PEEK[]",
    "BODY.PEEK[HEADER]",
    "BODY.PEEK[TEXT]",
    "BODY.PEEK[HEADER.FIELDS (From To Subject Content-Type X-Note Received)]",
    "BODY.PEEK[HEADER.FIELDS.NOT (Received Subject Message-ID)]",
    "BODY.PEEK[]<0.50>",
    "BODY.PEEK[]<100.200>",
    "BODY.PEEK[TEXT]<1.1>",
    "BODY.PEEK[HEADER]<99999.5>",
  ];
  for (const { path, type, message } of parts) {
    if (type !== "MULTIPART") items.push(`BODY.PEEK[${path}]`, `BODY.PEEK[${path}]<2.7>`);
    // A multipart's MIME header is its part header, except the message's own root multipart,
    // which has no part number (paths here are never the root).
    items.push(`BODY.PEEK[${path}.MIME]`);
    if (message) items.push(`BODY.PEEK[${path}.HEADER]`, `BODY.PEEK[${path}.TEXT]`, `BODY.PEEK[${path}.HEADER.FIELDS (From Subject)]`, `BODY.PEEK[${path}.HEADER.FIELDS.NOT (Subject)]`);
  }
  return items;
}

/** Bytes as text for comparison; upper-cased where RFC 3501 leaves the case free. */
function comparable(value: ImapValue | undefined, upper: boolean): unknown {
  if (value === undefined) return "(missing)";
  if (value === null) return null;
  if (isList(value)) return value.map((v) => comparable(v, upper));
  const textValue = Buffer.isBuffer(value) ? value.toString("latin1") : value.atom;
  return upper ? textValue.toUpperCase() : textValue;
}

/**
 * Where we answer differently from Dovecot, why, and (optionally) what we answer instead. Keys
 * are "<message> <item>". Reasons cite the RFC that decides.
 */
const KNOWN_DIFFERENCES: Record<string, { reason: string; check?: (ours: unknown, dovecot: unknown) => void }> = {
  "header-only BODY[HEADER.FIELDS.NOT (RECEIVED SUBJECT MESSAGE-ID)]": {
    reason:
      "RFC 3501 §6.4.5: HEADER.FIELDS(.NOT) includes the blank line that ends a header; when the message has none and its last field is in the answer, Dovecot leaves the blank line out",
    check: (ours, dovecot) => expect(ours).toBe(`${String(dovecot).replace(/\r\n$/, "")}\r\n\r\n`),
  },
  "bare-lf *": {
    reason:
      "Dovecot's Maildir turns bare LF into CRLF on APPEND, so its sizes, offsets and section bytes are of another message; we store and serve the bytes as sent (RFC 3501 §6.3.11 APPEND takes the message as given), consistently across RFC822.SIZE and BODY[]",
  },
  "mixed-line-ends *": { reason: "as bare-lf: Dovecot rewrites the bare LFs, we keep the bytes as sent" },
  "rfc822-base64 *": {
    reason:
      "RFC 2046 §5.2.1 allows only 7bit/8bit/binary for message/rfc822; Dovecot still reads the base64 text as a message header and gives the part the CRLF that belongs to the next delimiter (RFC 2046 §5.1.1). We give it no parsed message (empty envelope and body, as for any unreadable message/rfc822) and end it before the delimiter",
  },
  "no-subtype-and-unknown-type BODY": {
    reason: 'Content-Type "text" (no subtype) is invalid; RFC 2045 §5.2 says to treat it as absent: text/plain; charset=us-ascii. Dovecot answers "" "" with no parameters',
    check: (ours) => expect(ours).toEqual(["TEXT", "PLAIN", ["CHARSET", "US-ASCII"], null, null, "7BIT", "12", "1"]),
  },
  "no-subtype-and-unknown-type BODYSTRUCTURE": { reason: "as BODY" },
  "invalid-content-type BODY": {
    reason: "as no-subtype-and-unknown-type: an invalid Content-Type is text/plain; charset=us-ascii (RFC 2045 §5.2)",
    check: (ours) => expect(ours).toEqual(["TEXT", "PLAIN", ["CHARSET", "US-ASCII"], null, null, "7BIT", "14", "1"]),
  },
  "invalid-content-type BODYSTRUCTURE": { reason: "as BODY" },
  "boundary-prefix-line *": {
    reason:
      'Dovecot takes any line that starts with "--boundary" for a delimiter; RFC 2046 §5.1.1 makes a delimiter line "--boundary" followed only by optional white space, so "--bx is not a delimiter line" is body text',
  },
};


/**
 * Design: TEXT searches our full-text index (subject, addresses and the text parts), not the
 * header fields and text/* attachments that Dovecot's substring search over the whole
 * message also reads. (PostgreSQL's tsvector index matches words and word prefixes rather
 * than substrings; this comparison runs on SQLite, whose trigram index matches substrings.)
 */
const TEXT_IS_INDEXED_TEXT = "TEXT reads our index (subject, addresses, text parts), not every header field and part";

/** SEARCH criteria asked of both; non-ASCII needles go as UTF-8 literals with CHARSET UTF-8. */
/**
 * Design, PostgreSQL only: its tsvector index matches words and word prefixes, not
 * substrings, so a needle inside a word (here two characters inside a run of Chinese text,
 * which has no spaces to split words) isn't found. SQLite's trigram index finds substrings.
 */
const POSTGRES_WORDS = "PostgreSQL's full-text index matches words and word prefixes, not substrings inside a word";

const SEARCHES: Array<{ criteria: Array<string | { utf8: string }>; known?: string; knownOn?: Provider }> = [
  { criteria: ["SUBJECT", '"report"'] },
  { criteria: ["SUBJECT", '"RFC 2231"'] },
  {
    criteria: ["SUBJECT", { utf8: "Grüße" }],
    known: "a raw 8-bit Subject that isn't UTF-8 is read as Latin-1 for search (and matches); Dovecot drops bytes that aren't UTF-8",
  },
  { criteria: ["SUBJECT", { utf8: "会议" }] },
  { criteria: ["SUBJECT", { utf8: "Привет" }] },
  { criteria: ["SUBJECT", { utf8: "東京" }] },
  { criteria: ["SUBJECT", '""'] },
  { criteria: ["FROM", "alice"] },
  { criteria: ["FROM", '"example.test"'] },
  { criteria: ["FROM", { utf8: "Müller" }] },
  { criteria: ["FROM", { utf8: "王小明" }] },
  { criteria: ["TO", "bob"] },
  { criteria: ["CC", "carol"] },
  { criteria: ["BCC", "hidden"] },
  { criteria: ["HEADER", "X-Mailer", '""'] },
  { criteria: ["HEADER", "Message-ID", "corpus-1"] },
  { criteria: ["HEADER", "Content-Type", '"multipart/report"'] },
  { criteria: ["HEADER", "List-Id", "dev"] },
  { criteria: ["HEADER", "Subject", { utf8: "Grüße" }] },
  { criteria: ["BODY", "attachment"] },
  { criteria: ["BODY", '"quarterly report"'] },
  {
    criteria: ["BODY", { utf8: "München" }],
    known: "our index holds the message's text (text/plain and text/html that aren't attachments); Dovecot without FTS reads every text/* part, so it also finds the text/csv attachment",
  },
  { criteria: ["BODY", { utf8: "北京" }], known: POSTGRES_WORDS, knownOn: "postgresql" },
  { criteria: ["BODY", { utf8: "Отчёт" }] },
  { criteria: ["BODY", "deepest"] },
  { criteria: ["TEXT", "alice"], known: TEXT_IS_INDEXED_TEXT },
  { criteria: ["TEXT", '"Ursprüngliche"'.replace("ü", "u")] },
  { criteria: ["TEXT", "List-Unsubscribe"], known: TEXT_IS_INDEXED_TEXT },
  { criteria: ["LARGER", "2000"] },
  { criteria: ["SMALLER", "500"] },
  { criteria: ["LARGER", "10000"] },
  {
    criteria: ["SENTBEFORE", "1-Jan-2020"],
    known: "a message without Date: Dovecot dates it 1 Jan 1970 for SENT*, so SENTBEFORE finds it; ours matches no SENT* key (RFC 3501 has no rule, and a made-up date finds mail nobody dated)",
  },
  { criteria: ["SENTON", "15-Mar-2024"] },
  { criteria: ["SENTSINCE", "16-Mar-2024"] },
  { criteria: ["SENTON", "31-Dec-2023"] },
  { criteria: ["NOT", "SUBJECT", "corpus"] },
  { criteria: ["OR", "FROM", "carol", "TO", "carol"] },
  { criteria: ["NOT", "OR", "LARGER", "1500", "SUBJECT", "multipart"] },
  { criteria: ["(", "SUBJECT", "rfc", "LARGER", "100", ")", "NOT", "BODY", "zzzz"] },
];

function searchCommand(criteria: Array<string | { utf8: string }>): Buffer {
  const utf8 = criteria.some((c) => typeof c !== "string");
  const pieces: Buffer[] = [Buffer.from(`SEARCH${utf8 ? " CHARSET UTF-8" : ""}`)];
  for (const c of criteria) {
    if (typeof c === "string") pieces.push(Buffer.from(c === ")" ? ")" : pieces.length && pieces[pieces.length - 1].toString().endsWith("(") ? c : ` ${c}`));
    else {
      const bytes = Buffer.from(c.utf8, "utf8");
      pieces.push(Buffer.from(` {${bytes.length}+}\r\n`), bytes);
    }
  }
  return Buffer.concat(pieces);
}

function searchResult(response: Buffer): number[] {
  const line = /^\* SEARCH([ \d]*)\r?$/m.exec(response.toString("latin1"));
  if (!line || !/ OK /.test(response.toString("latin1"))) throw new Error(`SEARCH failed: ${response.toString("latin1").slice(-300)}`);
  return line[1].trim().split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b);
}

describe.each(PROVIDERS)(`our IMAP server on %s and Dovecot on ${IMAP_CORPUS.length} messages, over the wire`, (provider) => {
  let dovecot: DovecotInstance;
  let server: ImapTestServer;
  let theirs: RawImap;
  let ours: RawImap;
  const seen = new Set<string>();

  beforeAll(async () => {
    // npm test installs Dovecot (scripts/test.sh); without it this comparison must fail, not vanish.
    if (!dovecotAvailable()) throw new Error("Dovecot is needed here, as root: apt-get install -y dovecot-imapd (npm test does it)");
    dovecot = await startDovecot();
    server = await startImapServer({ provider, env: { MAX_MESSAGE_SIZE: "5M" } });
    const account = await server.account("corpus");
    theirs = await RawImap.connect(dovecot.port);
    ours = await RawImap.connect(server.imapPort);
    expect((await theirs.command("LOGIN test pass")).toString()).toMatch(/OK/);
    expect((await ours.command(`LOGIN "${account.address}" "${account.password}"`)).toString()).toMatch(/OK/);
    for (const { name, raw } of IMAP_CORPUS) {
      for (const [who, client] of [["Dovecot", theirs], ["ours", ours]] as const) {
        const answer = (await client.command(Buffer.concat([Buffer.from(`APPEND INBOX () ${INTERNALDATE} {${raw.length}+}\r\n`), raw]))).toString("latin1");
        if (!/^t\d+ OK/m.test(answer)) throw new Error(`APPEND of ${name} to ${who} failed: ${answer}`);
      }
    }
    for (const client of [theirs, ours]) expect((await client.command("SELECT INBOX")).toString()).toContain(`* ${IMAP_CORPUS.length} EXISTS`);
  }, 60_000);

  afterAll(async () => {
    theirs?.close();
    ours?.close();
    dovecot?.stop();
    await server?.cleanup();
  });

  IMAP_CORPUS.forEach(({ name, raw }, index) => {
    const seq = index + 1;
    it(`${name}: RFC822.SIZE, ENVELOPE, BODY, BODYSTRUCTURE and every section`, async () => {
      const fetch = async (client: RawImap, items: string[]) => parseFetchResponse(await client.command(`FETCH ${seq} (${items.join(" ")})`));
      const basics = ["RFC822.SIZE", "ENVELOPE", "BODY", "BODYSTRUCTURE"];
      const [dovecotBasics, ourBasics] = [await fetch(theirs, basics), await fetch(ours, basics)];
      expect(comparable(ourBasics.get("RFC822.SIZE"), false), "RFC822.SIZE").toBe(String(raw.length));
      const differences: string[] = [];
      const compare = (item: string, ourValue: ImapValue | undefined, dovecotValue: ImapValue | undefined, upper: boolean) => {
        const key = `${name} ${item}`;
        const a = comparable(ourValue, upper);
        const b = comparable(dovecotValue, upper);
        const wildcard = `${name} *`;
        const known = KNOWN_DIFFERENCES[key] ?? KNOWN_DIFFERENCES[wildcard];
        if (!KNOWN_DIFFERENCES[key] && known) {
          // A whole-message entry covers whatever differs; it must still differ somewhere.
          if (JSON.stringify(a) !== JSON.stringify(b)) seen.add(wildcard);
          return;
        }
        if (known) {
          seen.add(key);
          expect(a, `${key} is listed as a known difference but matches Dovecot`).not.toEqual(b);
          known.check?.(a, b);
          return;
        }
        if (JSON.stringify(a) !== JSON.stringify(b)) differences.push(`${item}\n  ours:    ${JSON.stringify(a)}\n  Dovecot: ${JSON.stringify(b)}`);
      };
      compare("RFC822.SIZE", ourBasics.get("RFC822.SIZE"), dovecotBasics.get("RFC822.SIZE"), false);
      compare("ENVELOPE", ourBasics.get("ENVELOPE"), dovecotBasics.get("ENVELOPE"), false);
      compare("BODY", ourBasics.get("BODY"), dovecotBasics.get("BODY"), true);
      compare("BODYSTRUCTURE", ourBasics.get("BODYSTRUCTURE"), dovecotBasics.get("BODYSTRUCTURE"), true);

      // The union of both trees' parts, so a part only one server sees is still asked of both.
      const parts = new Map<string, PartInfo>();
      for (const structure of [dovecotBasics.get("BODYSTRUCTURE"), ourBasics.get("BODYSTRUCTURE")]) for (const p of partsOf(structure ?? null)) if (!parts.has(p.path)) parts.set(p.path, p);
      const items = fetchItems([...parts.values()]);
      const [dovecotSections, ourSections] = [await fetch(theirs, items), await fetch(ours, items)];
      const names = new Set([...dovecotSections.keys(), ...ourSections.keys()].map((k) => k.toUpperCase()));
      const byUpper = (map: Map<string, ImapValue>) => new Map([...map].map(([k, v]) => [k.toUpperCase(), v]));
      const [d, o] = [byUpper(dovecotSections), byUpper(ourSections)];
      for (const item of names) compare(item, o.get(item), d.get(item), false);
      // CORPUS_DIFFS=file collects every difference whole, for reading rather than a diff view.
      if (differences.length && process.env.CORPUS_DIFFS) appendFileSync(process.env.CORPUS_DIFFS, `=== ${name}\n${differences.join("\n")}\n`);
      expect(differences, `${name}: differs from Dovecot in`).toEqual([]);
    });
  });

  for (const { criteria, known: reason, knownOn } of SEARCHES) {
    const known = knownOn === undefined || knownOn === provider ? reason : undefined;
    const label = criteria.map((c) => (typeof c === "string" ? c : c.utf8)).join(" ");
    it(`SEARCH ${label}`, async () => {
      const command = searchCommand(criteria);
      const [dovecotResult, ourResult] = [searchResult(await theirs.command(command)), searchResult(await ours.command(command))];
      const names = (list: number[]) => list.map((n) => IMAP_CORPUS[n - 1].name);
      if (known) {
        expect(names(ourResult), `listed as a known difference (${known}) but matches`).not.toEqual(names(dovecotResult));
        return;
      }
      expect(names(ourResult)).toEqual(names(dovecotResult));
    });
  }

  it("every known difference was met", () => {
    expect(Object.keys(KNOWN_DIFFERENCES).filter((key) => !seen.has(key))).toEqual([]);
  });
});
