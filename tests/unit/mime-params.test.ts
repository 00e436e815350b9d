// Content-Type/Content-Disposition parameters (RFC 2045, RFC 2231) and the analysis choices
// the Dovecot comparison led to, checked without Dovecot: raw 8-bit header bytes, digest
// defaults, invalid types, transport padding, envelope addresses.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderBodyStructure, renderEnvelope } from "@/lib/mail-server/imap/fetch";
import { analyzeMessage, headerBytes, headerText } from "@/lib/mime/analyze";
import { isMediaType, parseHeaderValue } from "@/lib/mime/params";

const crlf = (...lines: Array<string | Buffer>) => Buffer.concat(lines.flatMap((l) => [typeof l === "string" ? Buffer.from(l, "utf8") : l, Buffer.from("\r\n")]));

describe("parseHeaderValue", () => {
  it("reads the value lower-cased and parameters as tokens or quoted strings, names lower-cased, first one wins", () => {
    expect(parseHeaderValue('Text/HTML ; Charset = "UTF-8" ; Format=Fixed; name="a \\"b\\"; c.txt"; charset=latin1;')).toEqual({
      value: "text/html",
      params: { charset: "UTF-8", format: "Fixed", name: 'a "b"; c.txt' },
    });
  });

  it("joins RFC 2231 continuations but keeps the charset'language'%XX form, %-encoding plain segments joined to it", () => {
    expect(parseHeaderValue("attachment; filename*0*=utf-8''%E6%97%A5; filename*1*=%E6%9C%AC; filename*2=\" a.txt\"").params).toEqual({
      "filename*": "utf-8''%E6%97%A5%E6%9C%AC%20a.txt",
    });
    expect(parseHeaderValue("attachment; filename*=iso-8859-1'en'r%E9sum%E9.pdf").params).toEqual({ "filename*": "iso-8859-1'en'r%E9sum%E9.pdf" });
  });

  it("keeps the white space at the end of a quoted continuation, and stops at a gap in the numbering", () => {
    expect(parseHeaderValue('text/plain; name*0="very long "; name*1="name.txt"; x*0=a; x*2=c').params).toEqual({ name: "very long name.txt", x: "a" });
  });

  it("skips pieces that aren't name=value", () => {
    expect(parseHeaderValue(";;; garbage")).toEqual({ value: "", params: {} });
    expect(parseHeaderValue("text/plain; =x; a b=c; ok=1").params).toEqual({ ok: "1" });
  });

  it("never throws, and every parameter name it returns is an RFC 2231 attribute (with at most a trailing *)", () => {
    const text = fc.string({ unit: fc.constantFrom(..."ab*0129;=\"\\' %/\r\n\tZ\u00e9\udc80"), maxLength: 60 });
    fc.assert(
      fc.property(text, (value) => {
        const parsed = parseHeaderValue(value);
        for (const name of Object.keys(parsed.params)) expect(name).toMatch(/^[!#$&+\-.0-9^_`a-z{|}~]+\*?$/);
      }),
      { numRuns: 500, seed: 2231 },
    );
  });

  it("isMediaType wants token/token", () => {
    expect(isMediaType("text/plain")).toBe(true);
    expect(isMediaType("text")).toBe(false);
    expect(isMediaType("text/")).toBe(false);
    expect(isMediaType("te xt/plain")).toBe(false);
  });
});

describe("analyzeMessage, as IMAP shows it", () => {
  it("keeps 8-bit header bytes that aren't UTF-8 as bytes: ENVELOPE sends them unchanged, display reads them as Latin-1", async () => {
    const subject = Buffer.from("Gr\xfc\xdfe", "latin1");
    const analysis = await analyzeMessage(crlf(Buffer.concat([Buffer.from("Subject: "), subject]), "From: a@x.test", "", "body"));
    expect(renderEnvelope(analysis.envelope).includes(Buffer.concat([Buffer.from("{5}\r\n"), subject]))).toBe(true);
    expect(headerBytes(analysis.envelope.subject ?? "")).toEqual(subject);
    expect(analysis.subject).toBe("Grüße");
  });

  it("raw UTF-8 headers stay text, astral characters included", async () => {
    const analysis = await analyzeMessage(crlf("Subject: Grüße 📬", "", "x"));
    expect(analysis.envelope.subject).toBe("Grüße 📬");
    expect(headerText("Grüße 📬")).toBe("Grüße 📬");
    expect(headerBytes("Grüße 📬")).toEqual(Buffer.from("Grüße 📬", "utf8"));
  });

  it("an empty Subject is \"\" in ENVELOPE, an absent one NIL", async () => {
    expect((await analyzeMessage(crlf("Subject:", "From: a@x.test", "", "x"))).envelope.subject).toBe("");
    expect((await analyzeMessage(crlf("From: a@x.test", "", "x"))).envelope.subject).toBeNull();
  });

  it("addresses: source route as adl, quoted local part unquoted, a lone word as a mailbox without domain", async () => {
    const { envelope } = await analyzeMessage(crlf("Reply-To: <@route.example:r@x.test>", 'To: "a b"@x.test, nodomain', "", "x"));
    expect(envelope.replyTo).toEqual([[null, "@route.example", "r", "x.test"]]);
    expect(envelope.to).toEqual([
      [null, null, "a b", "x.test"],
      [null, null, "nodomain", "MISSING_DOMAIN"],
    ]);
  });

  it("a multipart/digest part without Content-Type is message/rfc822 (RFC 2046 §5.1.5), with its envelope", async () => {
    const raw = crlf("Content-Type: multipart/digest; boundary=d", "", "--d", "", "From: one@x.test", "Subject: one", "", "first", "--d--");
    const { structure } = await analyzeMessage(raw);
    expect(structure.children[0]).toMatchObject({ type: "message", subtype: "rfc822", envelope: { subject: "one" } });
  });

  it("an invalid Content-Type is text/plain; charset=us-ascii (RFC 2045 §5.2)", async () => {
    for (const type of ["text", ";;; garbage", "text/"]) {
      const { structure } = await analyzeMessage(crlf(`Content-Type: ${type}`, "", "x"));
      expect(renderBodyStructure(structure, false).toString(), type).toBe('("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3 1)');
    }
  });

  it("delimiters may have white space after them (RFC 2046 §5.1.1 transport-padding)", async () => {
    const raw = crlf("Content-Type: multipart/mixed; boundary=b", "", "--b \t", "", "one", "--b ", "", "two", "--b--\t");
    const { structure } = await analyzeMessage(raw);
    expect(structure.children.map((c) => raw.toString("latin1", c.bodyStart, c.bodyEnd))).toEqual(["one", "two"]);
  });
});
