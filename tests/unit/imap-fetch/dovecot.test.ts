// Cross-check against Dovecot, the reference most IMAP clients are tested with: the same
// messages APPENDed to a private Dovecot, and its FETCH answers compared with ours.
// ENVELOPE/BODYSTRUCTURE/BODY are compared as parsed values with strings upper-cased (we
// upper-case types and parameter names, Dovecot echoes the header; quoted vs literal is free);
// section bytes are compared exactly. Skipped where Dovecot can't run (not installed, not root).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeMessage, type MessageAnalysis, type MimePart } from "@/lib/mime/analyze";
import {
  fetchSection,
  findPart,
  parseFetchAttributes,
  renderBodyStructure,
  renderEnvelope,
  responseName,
  type FetchAttribute,
  type Section,
} from "@/lib/mail-server/imap/fetch";
import { dovecotAvailable, normalize, parseFetchResponse, parseValue, RawImap, startDovecot, type DovecotInstance } from "./dovecot";
import { ALL_MESSAGES } from "./messages";

const SECTIONS = [
  "BODY.PEEK[]",
  "BODY.PEEK[HEADER]",
  "BODY.PEEK[TEXT]",
  "BODY.PEEK[1]",
  "BODY.PEEK[1.MIME]",
  "BODY.PEEK[2]",
  "BODY.PEEK[2.MIME]",
  "BODY.PEEK[2.HEADER]",
  "BODY.PEEK[2.TEXT]",
  "BODY.PEEK[2.1]",
  "BODY.PEEK[2.1.MIME]",
  "BODY.PEEK[2.2]",
  "BODY.PEEK[3]",
  "BODY.PEEK[3.HEADER]",
  "BODY.PEEK[3.1]",
  "BODY.PEEK[3.1.MIME]",
  "BODY.PEEK[1.1]",
  "BODY.PEEK[1.2]",
  "BODY.PEEK[1.2.MIME]",
  "BODY.PEEK[9]",
  "BODY.PEEK[HEADER.FIELDS (From To Subject X-A cc)]",
  "BODY.PEEK[HEADER.FIELDS.NOT (From Received)]",
  "BODY.PEEK[2.HEADER.FIELDS (Subject X-Folded)]",
  "BODY.PEEK[]<10.20>",
  "BODY.PEEK[TEXT]<100000.5>",
];

/**
 * Where we knowingly answer differently, and what we answer instead:
 * - Dovecot takes "N.1" of a part of a multipart that is neither multipart nor message/rfc822
 *   as that part itself (imap_msgpart_find allows a last ".1" on a single part). RFC 3501's
 *   numbering has no such part, so we answer it like any part that doesn't exist: empty.
 * - For a message that is all header (no blank line), Dovecot's HEADER.FIELDS(.NOT) leaves
 *   out the blank line and sometimes the last line break; RFC 3501 says the result includes
 *   the blank line, so we always end the last field and add it.
 */
const KNOWN_DIFFERENCES: Record<string, (ours: string, dovecot: string) => void> = {
  "HEADER_ONLY BODY[HEADER.FIELDS (FROM TO SUBJECT X-A CC)]": (ours, dovecot) => expect(ours).toBe(`${dovecot.replace(/\r\n$/, "")}\r\n\r\n`),
  "HEADER_ONLY BODY[HEADER.FIELDS.NOT (FROM RECEIVED)]": (ours, dovecot) => expect(ours).toBe(`${dovecot.replace(/\r\n$/, "")}\r\n\r\n`),
};

/**
 * Dovecot's "N.1 of a single part is that part": the section without its last ".1", when the
 * part before it is a leaf that is a child of a multipart. (The "1" of a message that isn't
 * multipart is already the message's own part; Dovecot, like us, has no "1.1" below it.)
 */
function dovecotLeafAlias(structure: MimePart, section: Section): Section | null {
  const path = section.part;
  if (path.length < 2 || path[path.length - 1] !== 1) return null;
  const parent = findPart(structure, path.slice(0, -1));
  if (!parent || parent.type === "multipart" || (parent.type === "message" && parent.subtype === "rfc822")) return null;
  const inMultipart = (part: MimePart): boolean =>
    (part.type === "multipart" && part.children.includes(parent)) || part.children.some(inMultipart);
  return inMultipart(structure) ? { ...section, part: path.slice(0, -1) } : null;
}

describe("against Dovecot", () => {
  let dovecot: DovecotInstance;
  let client: RawImap;

  beforeAll(async () => {
    // npm test installs Dovecot (scripts/test.sh); without it this comparison must fail, not vanish.
    if (!dovecotAvailable()) throw new Error("Dovecot is needed here, as root: apt-get install -y dovecot-imapd (npm test does it)");
    dovecot = await startDovecot();
    client = await RawImap.connect(dovecot.port);
    expect((await client.command("LOGIN test pass")).toString()).toMatch(/OK/);
  });

  afterAll(() => {
    client?.close();
    dovecot?.stop();
  });

  /** APPENDs the message and returns its UID. */
  async function append(raw: Buffer): Promise<number> {
    const response = (await client.command(Buffer.concat([Buffer.from(`APPEND INBOX {${raw.length}+}\r\n`), raw]))).toString("latin1");
    const uid = /APPENDUID \d+ (\d+)/.exec(response);
    if (!uid) throw new Error(`APPEND failed: ${response}\n${dovecot.log()}`);
    await client.command("SELECT INBOX");
    return Number(uid[1]);
  }

  async function dovecotItem(uid: number, item: string): Promise<ReturnType<typeof parseFetchResponse>> {
    const response = await client.command(`UID FETCH ${uid} (${item})`);
    return parseFetchResponse(response);
  }

  const messages = Object.entries(ALL_MESSAGES).map(([name, m]): [string, Buffer] => [name, m.raw]);

  for (const [name, raw] of messages) {
    it(`${name}: ENVELOPE, BODY, BODYSTRUCTURE and every section as Dovecot answers them`, async () => {
      const uid = await append(raw);
      const analysis: MessageAnalysis = await analyzeMessage(raw);

      const theirs = await dovecotItem(uid, "ENVELOPE BODY BODYSTRUCTURE");
      expect(normalize(parseValue(renderEnvelope(analysis.envelope))), `${name} ENVELOPE`).toEqual(normalize(theirs.get("ENVELOPE") ?? null));
      expect(normalize(parseValue(renderBodyStructure(analysis.structure, false))), `${name} BODY`).toEqual(normalize(theirs.get("BODY") ?? null));
      expect(normalize(parseValue(renderBodyStructure(analysis.structure, true))), `${name} BODYSTRUCTURE`).toEqual(normalize(theirs.get("BODYSTRUCTURE") ?? null));

      for (const item of SECTIONS) {
        const [attribute] = parseFetchAttributes(item) as [FetchAttribute];
        if (attribute.kind !== "BODY[]") throw new Error(item);
        const key = responseName(attribute);
        const answer = await dovecotItem(uid, item);
        const dovecotBytes = answer.get(key);
        expect(dovecotBytes === undefined ? `no ${key} in the answer` : null, `${name} ${item}`).toBeNull();
        const ours = fetchSection(raw, analysis.structure, attribute.section, attribute.partial);
        const alias = dovecotLeafAlias(analysis.structure, attribute.section);
        if (alias) {
          expect(ours.length, `${name} ${key}`).toBe(0);
          expect(fetchSection(raw, analysis.structure, alias, attribute.partial).toString("latin1"), `${name} ${key} as Dovecot reads it`).toBe(
            (dovecotBytes as Buffer).toString("latin1"),
          );
          continue;
        }
        const known = KNOWN_DIFFERENCES[`${name} ${key}`];
        if (known) {
          known(ours.toString("latin1"), (dovecotBytes as Buffer).toString("latin1"));
          continue;
        }
        expect(ours.toString("latin1"), `${name} ${key}`).toBe((dovecotBytes as Buffer | null)?.toString("latin1") ?? "");
      }
    });
  }
});
