// BODY[section]<partial> bytes (RFC 3501 §6.4.5), byte-exact, for every section form on
// messages run through analyzeMessage. Each expectation is a piece the message was built
// from (messages.ts), so an offset off by one anywhere shows here.
import { describe, expect, it } from "vitest";
import { analyzeMessage, type MimePart } from "@/lib/mime/analyze";
import { fetchSection, findPart, parseFetchAttributes, type BodySectionAttribute } from "@/lib/mail-server/imap/fetch";
import { FIELDS, FORWARD, HEADER_ONLY, lines, MIXED, NESTED, SINGLE } from "./messages";

/** What a client gets for `item` (e.g. "BODY[1.MIME]<0.10>"), through the same parser the session uses. */
async function section(raw: Buffer, item: string): Promise<string> {
  const [attribute] = parseFetchAttributes(item);
  if (attribute.kind !== "BODY[]") throw new Error(`${item} is not a section`);
  const { structure } = await analyzeMessage(raw);
  return fetchSection(raw, structure, (attribute as BodySectionAttribute).section, (attribute as BodySectionAttribute).partial).toString("utf8");
}

async function expectSections(raw: Buffer, cases: Record<string, string>) {
  for (const [item, expected] of Object.entries(cases)) {
    expect(await section(raw, item), item).toBe(expected);
  }
}

describe("fetchSection", () => {
  it("single part: the whole, the header with its blank line, the text, part 1 is the body", async () => {
    await expectSections(SINGLE.raw, {
      "BODY[]": SINGLE.header + SINGLE.body,
      "BODY[HEADER]": SINGLE.header,
      "BODY[TEXT]": SINGLE.body,
      "BODY[1]": SINGLE.body,
      // The MIME header of part 1 of a single-part message is the message header (Dovecot agrees).
      "BODY[1.MIME]": SINGLE.header,
      "BODY[2]": "",
      "BODY[1.1]": "",
      // HEADER and TEXT after a part number need a message/rfc822 part.
      "BODY[1.HEADER]": "",
      "BODY[1.TEXT]": "",
      "BODY[HEADER.FIELDS (From SUBJECT)]": lines("From: Terry Gray <gray@cac.washington.edu>", "Subject: IMAP4rev1 WG mtg summary and minutes", ""),
      // A folded field comes whole; names match case-insensitively ("cc:" in the message).
      "BODY[HEADER.FIELDS (CC)]": lines("cc: minutes@CNRI.Reston.VA.US,", " John Klensin <KLENSIN@MIT.EDU>", ""),
    });
  });

  it("multipart/mixed: part bodies and MIME headers, no preamble or epilogue in the parts", async () => {
    await expectSections(MIXED.raw, {
      "BODY[HEADER]": MIXED.header,
      "BODY[TEXT]": MIXED.text,
      "BODY[1]": MIXED.textBody,
      "BODY[1.MIME]": MIXED.textHeader,
      "BODY[2]": MIXED.pdfBody,
      "BODY[2.MIME]": MIXED.pdfHeader,
      "BODY[3]": "",
      "BODY[3.MIME]": "",
      "BODY[2.HEADER]": "",
      "BODY[1.1]": "",
      "BODY[HEADER.FIELDS.NOT (From To Subject MIME-Version)]": lines('Content-Type: multipart/mixed; boundary="=_outer"', "Content-Language: en", ""),
    });
  });

  it("multipart/alternative nested in mixed: the nested multipart's body runs to its epilogue", async () => {
    await expectSections(NESTED.raw, {
      "BODY[1]": NESTED.altBody,
      "BODY[1.MIME]": NESTED.altHeader,
      "BODY[1.1]": NESTED.plainBody,
      "BODY[1.1.MIME]": NESTED.plainHeader,
      "BODY[1.2]": NESTED.htmlBody,
      "BODY[1.2.MIME]": NESTED.htmlHeader,
      "BODY[2]": NESTED.pngBody,
      "BODY[2.MIME]": NESTED.pngHeader,
      "BODY[1.3]": "",
      "BODY[1.2.1]": "",
      "BODY[1.HEADER]": "",
    });
  });

  it("message/rfc822: the enclosed message whole, its header and text, its parts numbered under it", async () => {
    const f = FORWARD;
    await expectSections(f.raw, {
      "BODY[1]": f.textBody,
      "BODY[2]": f.inner,
      "BODY[2.MIME]": f.msgHeader,
      "BODY[2.HEADER]": f.innerHeader,
      "BODY[2.TEXT]": f.innerText,
      "BODY[2.1]": f.innerPlainBody,
      "BODY[2.1.MIME]": f.innerPlainHeader,
      "BODY[2.2]": f.innerHtmlBody,
      "BODY[2.2.MIME]": f.innerHtmlHeader,
      "BODY[2.3]": "",
      "BODY[2.HEADER.FIELDS (from x-folded)]": lines("From: Ann <ann@x.test>", "X-Folded: one,", "\ttwo", ""),
      "BODY[2.HEADER.FIELDS.NOT (Date X-Folded Content-Type Message-ID)]": lines("From: Ann <ann@x.test>", "To: c@x.test", "Subject: hello", ""),
      // A single part inside: 3.1 is the enclosed message's body, its MIME header that
      // message's header (Dovecot answers the same).
      "BODY[3]": f.inner2,
      "BODY[3.HEADER]": f.inner2Header,
      "BODY[3.TEXT]": f.inner2Body,
      "BODY[3.1]": f.inner2Body,
      "BODY[3.1.MIME]": f.inner2Header,
      "BODY[3.2]": "",
      "BODY[3.1.1]": "",
      "BODY[1.HEADER]": "",
      "BODY[1.TEXT]": "",
    });
  });

  it("a message that is itself message/rfc822: part 1 is the enclosed message", async () => {
    const innerHeader = lines("From: in@x.test", "Subject: inner", "Content-Type: multipart/mixed; boundary=x", "");
    const innerPart = lines("one");
    const innerText = "--x\r\n\r\n" + innerPart + "\r\n--x--\r\n";
    const header = lines("From: out@x.test", "Content-Type: message/rfc822", "");
    const raw = Buffer.from(header + innerHeader + innerText, "utf8");
    await expectSections(raw, {
      "BODY[TEXT]": innerHeader + innerText,
      "BODY[1]": innerHeader + innerText,
      "BODY[1.MIME]": header,
      "BODY[1.HEADER]": innerHeader,
      "BODY[1.TEXT]": innerText,
      "BODY[1.1]": innerPart,
      "BODY[1.1.MIME]": "\r\n",
      "BODY[1.2]": "",
    });
  });

  it("a message that is all header: the header as it is, no text, HEADER.FIELDS still ends its line and has the blank line", async () => {
    await expectSections(HEADER_ONLY.raw, {
      "BODY[]": "From: a@x.test\r\nSubject: x",
      "BODY[HEADER]": "From: a@x.test\r\nSubject: x",
      "BODY[TEXT]": "",
      "BODY[1]": "",
      "BODY[HEADER.FIELDS (Subject)]": "Subject: x\r\n\r\n",
      "BODY[HEADER.FIELDS.NOT (Subject)]": "From: a@x.test\r\n\r\n",
    });
  });

  it("HEADER.FIELDS: every occurrence in message order, folds kept, space before the colon, nothing matching is just the blank line", async () => {
    await expectSections(FIELDS.raw, {
      "BODY[HEADER.FIELDS (x-a)]": lines("X-A: 1", "x-a: 2", "  continued", ""),
      "BODY[HEADER.FIELDS (SUBJECT)]": lines("subject : spaced", ""),
      "BODY[HEADER.FIELDS (Received To)]": lines("Received: from a by b;", "\tMon, 1 Jan 2024 10:00:00 +0000", "To: b@x.test", ""),
      "BODY[HEADER.FIELDS.NOT (Received X-A subject)]": lines("From: a@x.test", "To: b@x.test", ""),
      "BODY[HEADER.FIELDS (X-Nope)]": "\r\n",
      "BODY[HEADER.FIELDS.NOT (X-Nope)]": FIELDS.header,
    });
  });

  it("partial: a byte range of the section; an origin past the end is empty", async () => {
    const raw = SINGLE.raw.toString("utf8");
    await expectSections(SINGLE.raw, {
      "BODY[]<0.5>": raw.slice(0, 5),
      "BODY.PEEK[]<5.10>": raw.slice(5, 15),
      [`BODY[]<${SINGLE.raw.length - 3}.100>`]: raw.slice(-3),
      [`BODY[]<${SINGLE.raw.length}.1>`]: "",
      "BODY[]<4294967295.1>": "",
      "BODY[TEXT]<0.8>": SINGLE.body.slice(0, 8),
      "BODY[HEADER.FIELDS (From)]<6.5>": "Terry",
      "BODY[5]<0.10>": "",
    });
  });

  it("cuts bytes, not characters: 8-bit bodies are returned as they are", async () => {
    await expectSections(NESTED.raw, { "BODY[1.2]<3.6>": Buffer.from(NESTED.htmlBody, "utf8").subarray(3, 9).toString("utf8") });
    const [attribute] = parseFetchAttributes("BODY[1.2]");
    const { structure } = await analyzeMessage(NESTED.raw);
    expect(fetchSection(NESTED.raw, structure, (attribute as BodySectionAttribute).section)).toEqual(Buffer.from(NESTED.htmlBody, "utf8"));
  });

  it("a stored tree whose offsets don't fit the bytes gives clamped slices, never an exception", () => {
    const bogus: MimePart = {
      part: "", type: "text", subtype: "plain", params: {}, id: null, description: null, encoding: "7bit", md5: null, disposition: null,
      language: null, location: null, headerStart: 0, bodyStart: 50, bodyEnd: 10, lines: 0, children: [],
    };
    const raw = Buffer.from("short");
    for (const item of ["BODY[]", "BODY[HEADER]", "BODY[TEXT]", "BODY[1]", "BODY[1.MIME]", "BODY[HEADER.FIELDS (A)]"]) {
      const [attribute] = parseFetchAttributes(item);
      expect(() => fetchSection(raw, bogus, (attribute as BodySectionAttribute).section), item).not.toThrow();
    }
  });
});

describe("findPart", () => {
  it("walks part numbers by the tree's shape", async () => {
    const { structure } = await analyzeMessage(FORWARD.raw);
    const type = (path: number[]) => {
      const part = findPart(structure, path);
      return part && `${part.type}/${part.subtype}`;
    };
    expect(type([])).toBe("multipart/mixed");
    expect(type([1])).toBe("text/plain");
    expect(type([2])).toBe("message/rfc822");
    expect(type([2, 1])).toBe("text/plain");
    expect(type([2, 2])).toBe("text/html");
    expect(type([3, 1])).toBe("text/plain");
    expect(type([4])).toBeNull();
    expect(type([1, 1])).toBeNull();
  });
});
