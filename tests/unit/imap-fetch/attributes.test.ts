// FETCH data items (RFC 3501 §6.4.5, grammar §9 "fetch-att"): what parses, to what, what is BAD,
// the response names (§7.4.2), and which items set \Seen.
import { describe, expect, it } from "vitest";
import {
  FetchAttributeError,
  needsMessageBytes,
  needsStructure,
  parseFetchAttributes,
  responseName,
  setsSeen,
  type FetchAttribute,
} from "@/lib/mail-server/imap/fetch";

/** The expected attribute for section text written the way RFC 3501 writes it. */
const body = (section: string, options: { peek?: boolean; partial?: [number, number] } = {}): FetchAttribute => {
  const match = /^((?:\d+\.)*\d+)?\.?([A-Z.]*)(?: \((.*)\))?$/.exec(section);
  if (!match) throw new Error(`bad test section ${section}`);
  return {
    kind: "BODY[]",
    peek: options.peek ?? false,
    section: {
      part: match[1] ? match[1].split(".").map(Number) : [],
      text: match[2] as "",
      fields: match[3] ? match[3].split(" ") : [],
    },
    partial: options.partial ? { origin: options.partial[0], count: options.partial[1] } : null,
  };
};

describe("parseFetchAttributes", () => {
  it("expands the macros, alone and in any case", () => {
    expect(parseFetchAttributes("ALL")).toEqual([{ kind: "FLAGS" }, { kind: "INTERNALDATE" }, { kind: "RFC822.SIZE" }, { kind: "ENVELOPE" }]);
    expect(parseFetchAttributes("fast")).toEqual([{ kind: "FLAGS" }, { kind: "INTERNALDATE" }, { kind: "RFC822.SIZE" }]);
    expect(parseFetchAttributes("Full")).toEqual([{ kind: "FLAGS" }, { kind: "INTERNALDATE" }, { kind: "RFC822.SIZE" }, { kind: "ENVELOPE" }, { kind: "BODY" }]);
  });

  it("refuses a macro inside a list (the grammar has them only alone)", () => {
    expect(() => parseFetchAttributes("(ALL)")).toThrow(FetchAttributeError);
    expect(() => parseFetchAttributes(["FLAGS", "FAST"])).toThrow(FetchAttributeError);
  });

  it("parses every simple item, case-insensitively", () => {
    const names = ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY", "BODYSTRUCTURE", "UID", "RFC822", "RFC822.HEADER", "RFC822.TEXT", "MODSEQ"];
    for (const name of names) {
      expect(parseFetchAttributes(name)).toEqual([{ kind: name }]);
      expect(parseFetchAttributes(name.toLowerCase())).toEqual([{ kind: name }]);
    }
    expect(parseFetchAttributes(`(${names.join(" ")})`).map((a) => a.kind)).toEqual(names);
  });

  it("parses every section form", () => {
    const cases: [string, FetchAttribute][] = [
      ["BODY[]", body("")],
      ["BODY[HEADER]", body("HEADER")],
      ["BODY[TEXT]", body("TEXT")],
      ["body[header]", body("HEADER")],
      ["BODY[1]", body("1")],
      ["BODY[1.2.3]", body("1.2.3")],
      ["BODY[1.MIME]", body("1.MIME")],
      ["BODY[1.2.MIME]", body("1.2.MIME")],
      ["BODY[2.HEADER]", body("2.HEADER")],
      ["BODY[2.TEXT]", body("2.TEXT")],
      ["BODY[1.2.HEADER]", body("1.2.HEADER")],
      ["BODY[HEADER.FIELDS (From To)]", body("HEADER.FIELDS (From To)")],
      ["BODY[HEADER.FIELDS.NOT (Received)]", body("HEADER.FIELDS.NOT (Received)")],
      ["BODY[1.2.HEADER.FIELDS (Subject)]", body("1.2.HEADER.FIELDS (Subject)")],
      ["BODY[header.fields.not (X-A)]", body("HEADER.FIELDS.NOT (X-A)")],
      ["BODY.PEEK[]", body("", { peek: true })],
      ["BODY.PEEK[HEADER.FIELDS (From To)]<0.100>", body("HEADER.FIELDS (From To)", { peek: true, partial: [0, 100] })],
      ["BODY[]<0.1>", body("", { partial: [0, 1] })],
      ["BODY[1]<4294967295.4294967295>", body("1", { partial: [4294967295, 4294967295] })],
      ["BODY[TEXT]<007.10>", body("TEXT", { partial: [7, 10] })],
    ];
    for (const [text, expected] of cases) {
      expect(parseFetchAttributes(text), text).toEqual([expected]);
      expect(parseFetchAttributes([text]), text).toEqual([expected]);
    }
  });

  it("reads quoted field names and keeps them as sent", () => {
    const [attribute] = parseFetchAttributes('BODY.PEEK[HEADER.FIELDS ("From" To "x-a\\"b")]');
    expect(attribute).toMatchObject({ section: { text: "HEADER.FIELDS", fields: ["From", "To", 'x-a"b'] } });
  });

  it("splits a list into items, keeping each section whole", () => {
    const attributes = parseFetchAttributes('(UID FLAGS BODY.PEEK[HEADER.FIELDS (From "To" Subject)]<0.100> BODY[1.MIME] RFC822.SIZE)');
    expect(attributes.map(responseName)).toEqual(["UID", "FLAGS", 'BODY[HEADER.FIELDS (FROM TO SUBJECT)]<0>', "BODY[1.MIME]", "RFC822.SIZE"]);
    // The same items as the tokenizer delivers them.
    expect(parseFetchAttributes(["UID", "FLAGS", 'BODY.PEEK[HEADER.FIELDS (From "To" Subject)]<0.100>', "BODY[1.MIME]", "RFC822.SIZE"])).toEqual(attributes);
  });

  it("answers BAD (FetchAttributeError) to everything outside the grammar", () => {
    const bad = [
      "",
      "()",
      "(FLAGS",
      "FLAGS)",
      "FLAGS UID",
      "(FLAGS (UID))",
      "NOPE",
      "BODY.PEEK",
      "RFC822.PEEK",
      "BODYSTRUCTURE[]",
      "BODY[",
      "BODY]",
      "BODY[]]",
      "BODY[MIME]", // MIME is of a part; the message has no MIME header of its own
      "BODY[0]",
      "BODY[01]",
      "BODY[1.0]",
      "BODY[1.]",
      "BODY[.1]",
      "BODY[1..2]",
      "BODY[1.HEAD]",
      "BODY[HEADERS]",
      "BODY[TEXT.1]",
      "BODY[1.2.3.MIME.1]",
      "BODY[4294967296]",
      "BODY[HEADER.FIELDS]",
      "BODY[HEADER.FIELDS ()]",
      "BODY[HEADER.FIELDS From]",
      "BODY[HEADER.FIELDS(From)]",
      "BODY[HEADER.FIELDS (From]",
      'BODY[HEADER.FIELDS ("From)]',
      'BODY[HEADER.FIELDS ("")]',
      "BODY[HEADER.FIELDS (Fr:om)]",
      "BODY[HEADER.FIELDS (Fr\u00e9m)]",
      "BODY[HEADER]<>",
      "BODY[HEADER]<0>",
      "BODY[HEADER]<0.0>",
      "BODY[HEADER]<1.-1>",
      "BODY[HEADER]<a.b>",
      "BODY[HEADER]<0.1",
      "BODY[HEADER]<4294967296.1>",
      "BODY[HEADER]<0.4294967296>",
      "BODY[HEADER]x",
      "UID<0.1>",
    ];
    for (const text of bad) {
      expect(() => parseFetchAttributes(text), JSON.stringify(text)).toThrow(FetchAttributeError);
    }
    expect(() => parseFetchAttributes([])).toThrow(FetchAttributeError);
    expect(() => parseFetchAttributes(Array.from({ length: 300 }, () => "UID"))).toThrow(FetchAttributeError);
  });
});

describe("responseName", () => {
  it("answers BODY.PEEK as BODY, a partial with its origin only, field names upper-cased", () => {
    const names = (text: string) => parseFetchAttributes(text).map(responseName);
    expect(names("BODY.PEEK[]")).toEqual(["BODY[]"]);
    expect(names("BODY[1.2.MIME]<10.20>")).toEqual(["BODY[1.2.MIME]<10>"]);
    expect(names("BODY.PEEK[2.HEADER.FIELDS.NOT (Received x-a)]")).toEqual(["BODY[2.HEADER.FIELDS.NOT (RECEIVED X-A)]"]);
    expect(names('BODY[HEADER.FIELDS ("a(b")]')).toEqual(['BODY[HEADER.FIELDS ("A(B")]']);
    // "[" is an atom character, but a reader of the item would take it as nesting (found by the fuzz).
    expect(names('BODY[HEADER.FIELDS ("a[b")]')).toEqual(['BODY[HEADER.FIELDS ("A[B")]']);
    expect(names("(RFC822 RFC822.HEADER RFC822.TEXT MODSEQ)")).toEqual(["RFC822", "RFC822.HEADER", "RFC822.TEXT", "MODSEQ"]);
  });
});

describe("setsSeen, needsMessageBytes, needsStructure", () => {
  it("marks \\Seen for BODY[…] non-peek, RFC822 and RFC822.TEXT only", () => {
    const seen = (text: string) => parseFetchAttributes(text).map(setsSeen);
    expect(seen("(BODY[] BODY.PEEK[] BODY[1.MIME]<0.1> BODY.PEEK[TEXT] RFC822 RFC822.TEXT RFC822.HEADER RFC822.SIZE)")).toEqual([
      true, false, true, false, true, true, false, false,
    ]);
    expect(seen("FULL").some(Boolean)).toBe(false);
  });

  it("asks for the blob and the tree only when an item needs them", () => {
    expect(needsMessageBytes(parseFetchAttributes("FULL"))).toBe(false);
    expect(needsMessageBytes(parseFetchAttributes("(UID BODY.PEEK[HEADER])"))).toBe(true);
    expect(needsMessageBytes(parseFetchAttributes("RFC822.HEADER"))).toBe(true);
    expect(needsStructure(parseFetchAttributes("ALL"))).toBe(false);
    expect(needsStructure(parseFetchAttributes("BODY.PEEK[]"))).toBe(false);
    expect(needsStructure(parseFetchAttributes("BODY[TEXT]"))).toBe(true);
    expect(needsStructure(parseFetchAttributes("BODYSTRUCTURE"))).toBe(true);
  });
});
