// Hostile input is normal input: seeded mutations of FETCH item text only ever parse or throw
// FetchAttributeError, and what parses answers with a name that parses back to the same
// section; random part paths over real trees never throw and stay inside the message.
import { describe, expect, it } from "vitest";
import { analyzeMessage } from "@/lib/mime/analyze";
import {
  FetchAttributeError,
  fetchSection,
  parseFetchAttributes,
  renderBodyStructure,
  responseName,
  type Section,
} from "@/lib/mail-server/imap/fetch";
import { seeded } from "../helpers/random";
import { ALL_MESSAGES } from "./messages";

const SEEDS = [
  "BODY.PEEK[HEADER.FIELDS (From To \"Subject\")]<0.100>",
  "(UID FLAGS BODY[1.2.MIME] RFC822.SIZE)",
  "BODY[2.HEADER.FIELDS.NOT (Received)]",
  "FULL",
  "BODY[]<10.20>",
];
const ALPHABET = ["[", "]", "(", ")", "<", ">", ".", " ", '"', "\\", "0", "1", "9", "HEADER", "TEXT", "MIME", "FIELDS", ".NOT", "\r", "\n", "\u00e9", "\0", "{5}"];

describe("fuzz", () => {
  it("FETCH item text: parses or throws FetchAttributeError, and parsed sections round-trip through the response name", () => {
    const random = seeded(3501);
    for (let i = 0; i < 5000; i++) {
      let text = random.pick(SEEDS);
      for (let edits = random.between(1, 4); edits > 0; edits--) {
        const at = random.int(text.length + 1);
        const op = random.int(3);
        if (op === 0) text = text.slice(0, at) + random.pick(ALPHABET) + text.slice(at);
        else if (op === 1) text = text.slice(0, at) + text.slice(at + random.between(1, 3));
        else text = text.slice(0, at) + text.slice(at, at + random.between(1, 8)).repeat(2) + text.slice(at + 8);
      }
      let attributes;
      try {
        attributes = parseFetchAttributes(text);
      } catch (error) {
        expect(error, `case ${i}: ${JSON.stringify(text)}`).toBeInstanceOf(FetchAttributeError);
        continue;
      }
      for (const attribute of attributes) {
        if (attribute.kind !== "BODY[]") continue;
        const [again] = parseFetchAttributes(responseName(attribute).replace(/<(\d+)>$/, "<$1.1>"));
        if (again.kind !== "BODY[]") throw new Error(`case ${i}: ${responseName(attribute)} parsed as ${again.kind}`);
        const upper = (s: Section) => ({ ...s, fields: s.fields.map((f) => f.toUpperCase()) });
        expect(upper(again.section), `case ${i}: ${JSON.stringify(text)}`).toEqual(upper(attribute.section));
      }
    }
  });

  it("long hostile items are refused quickly", () => {
    const started = performance.now();
    const many = `BODY[HEADER.FIELDS (${Array.from({ length: 100_000 }, (_, i) => `X-${i}`).join(" ")})]`;
    expect(() => parseFetchAttributes(many)).toThrow(FetchAttributeError);
    expect(() => parseFetchAttributes(`BODY[${"1.".repeat(200_000)}1]`)).not.toThrow();
    expect(() => parseFetchAttributes(`(${"[".repeat(100_000)}`)).toThrow(FetchAttributeError);
    expect(() => parseFetchAttributes(`BODY[HEADER.FIELDS ("${"\\".repeat(100_001)}")]`)).toThrow(FetchAttributeError);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("random part paths over every test message stay inside the message and never throw", async () => {
    const random = seeded(9051);
    for (const { raw } of Object.values(ALL_MESSAGES)) {
      const { structure } = await analyzeMessage(raw);
      expect(() => renderBodyStructure(structure, true)).not.toThrow();
      for (let i = 0; i < 500; i++) {
        const part = Array.from({ length: random.int(5) }, () => random.between(1, 4));
        const text = random.pick(["", "HEADER", "TEXT", "MIME", "HEADER.FIELDS", "HEADER.FIELDS.NOT"] as const);
        if (text === "MIME" && part.length === 0) continue;
        const section: Section = { part, text, fields: text.startsWith("HEADER.FIELDS") ? ["From", "x-a"] : [] };
        const partial = random.bool() ? { origin: random.int(raw.length + 10), count: random.between(1, 50) } : null;
        const bytes = fetchSection(raw, structure, section, partial);
        if (!text.startsWith("HEADER.FIELDS")) {
          // A slice of the message, never a copy that could hold anything else.
          expect(bytes.length === 0 || (bytes.buffer === raw.buffer && bytes.byteOffset >= raw.byteOffset && bytes.byteOffset + bytes.length <= raw.byteOffset + raw.length)).toBe(true);
        }
      }
    }
  });
});
