// BODY and BODYSTRUCTURE (RFC 3501 §7.4.2, grammar §9 "body") from messages run through
// analyzeMessage. Expected sizes and line counts come from the pieces the messages are built
// of (messages.ts), not from the analysis. Type, subtype, parameter names, encoding and
// disposition type are upper-case, as in RFC 3501's examples; values are as sent.
import { describe, expect, it } from "vitest";
import { analyzeMessage, type MimePart } from "@/lib/mime/analyze";
import { renderBodyStructure } from "@/lib/mail-server/imap/fetch";
import { bytes, crlfCount, FORWARD, HEADER_ONLY, lines, MIXED, NESTED, SINGLE } from "./messages";

const render = async (raw: Buffer, extended: boolean) => renderBodyStructure((await analyzeMessage(raw)).structure, extended).toString("utf8");
const sized = (body: string) => `${bytes(body)} ${crlfCount(body)}`;

describe("renderBodyStructure", () => {
  it("single part: text carries its lines; the parameters as sent", async () => {
    expect(await render(SINGLE.raw, false)).toBe(`("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" ${sized(SINGLE.body)})`);
    expect(await render(SINGLE.raw, true)).toBe(`("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" ${sized(SINGLE.body)} NIL NIL NIL NIL)`);
  });

  it("defaults to text/plain; charset us-ascii; 7bit (RFC 2045 §5.2, §6.1) with no MIME header at all", async () => {
    expect(await render(HEADER_ONLY.raw, true)).toBe('("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL)');
    const noType = Buffer.from(lines("From: a@x.test", "", "one", "two"), "utf8");
    expect(await render(noType, false)).toBe('("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 10 2)');
    // A text part without charset gets the default too; other types get no parameters.
    const html = Buffer.from(lines("Content-Type: text/html", "", "<p>"), "utf8");
    expect(await render(html, false)).toBe('("TEXT" "HTML" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 5 1)');
    const octets = Buffer.from(lines("Content-Type: application/octet-stream", "", "xx"), "utf8");
    expect(await render(octets, true)).toBe('("APPLICATION" "OCTET-STREAM" NIL NIL NIL "7BIT" 4 NIL NIL NIL NIL)');
  });

  it("multipart/mixed with an attachment: every extension field of a part and of the multipart", async () => {
    const text = `("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" ${sized(MIXED.textBody)}`;
    const pdf = `("APPLICATION" "PDF" ("NAME" "report.pdf") "<report@x.test>" "the \\"report\\"" "BASE64" ${bytes(MIXED.pdfBody)}`;
    expect(await render(MIXED.raw, false)).toBe(`(${text})${pdf}) "MIXED")`);
    expect(await render(MIXED.raw, true)).toBe(
      `(${text} NIL NIL NIL NIL)` +
        `${pdf} "Q2hlY2sgSW50ZWdyaXR5IQ==" ("ATTACHMENT" ("FILENAME" "report.pdf" "SIZE" "6")) ("en" "de") "http://x.test/report.pdf")` +
        // body-ext-mpart: parameters (the boundary too), disposition, language, location.
        ` "MIXED" ("BOUNDARY" "=_outer") NIL ("en") NIL)`,
    );
  });

  it("multipart/alternative nested in multipart/mixed", async () => {
    const plain = `("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" ${sized(NESTED.plainBody)}`;
    const html = `("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "8BIT" ${sized(NESTED.htmlBody)}`;
    const png = `("IMAGE" "PNG" NIL "<img1>" NIL "BASE64" ${bytes(NESTED.pngBody)}`;
    expect(await render(NESTED.raw, false)).toBe(`((${plain})${html}) "ALTERNATIVE")${png}) "MIXED")`);
    expect(await render(NESTED.raw, true)).toBe(
      `((${plain} NIL NIL NIL NIL)${html} NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "inner") NIL NIL NIL)` +
        `${png} NIL ("INLINE" NIL) NIL NIL) "MIXED" ("BOUNDARY" "outer") NIL NIL NIL)`,
    );
  });

  it("message/rfc822: envelope, the enclosed message's structure and lines; a multipart inside and a single part inside", async () => {
    const f = FORWARD;
    const text = `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" ${sized(f.textBody)}`;
    const envelope1 =
      '("Mon, 1 Jan 2024 10:00:00 +0000" "hello" (("Ann" NIL "ann" "x.test")) (("Ann" NIL "ann" "x.test")) (("Ann" NIL "ann" "x.test")) ((NIL NIL "c" "x.test")) NIL NIL NIL "<inner@x.test>")';
    const innerPlain = `("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" ${sized(f.innerPlainBody)}`;
    const innerHtml = `("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "7BIT" ${sized(f.innerHtmlBody)}`;
    const envelope2 = '(NIL "short" ((NIL NIL "e" "x.test")) ((NIL NIL "e" "x.test")) ((NIL NIL "e" "x.test")) NIL NIL NIL NIL NIL)';
    const inner2 = `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" ${sized(f.inner2Body)}`;
    expect(await render(f.raw, false)).toBe(
      `(${text})` +
        `("MESSAGE" "RFC822" NIL NIL NIL "7BIT" ${bytes(f.inner)} ${envelope1} (${innerPlain})${innerHtml}) "ALTERNATIVE") ${crlfCount(f.inner)})` +
        `("MESSAGE" "RFC822" NIL NIL NIL "7BIT" ${bytes(f.inner2)} ${envelope2} ${inner2}) ${crlfCount(f.inner2)})` +
        ' "MIXED")',
    );
    expect(await render(f.raw, true)).toBe(
      `(${text} NIL NIL NIL NIL)` +
        `("MESSAGE" "RFC822" NIL NIL NIL "7BIT" ${bytes(f.inner)} ${envelope1} ` +
        `(${innerPlain} NIL NIL NIL NIL)${innerHtml} NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "alt") NIL NIL NIL) ` +
        `${crlfCount(f.inner)} NIL ("INLINE" NIL) NIL NIL)` +
        `("MESSAGE" "RFC822" NIL NIL NIL "7BIT" ${bytes(f.inner2)} ${envelope2} ${inner2} NIL NIL NIL NIL) ${crlfCount(f.inner2)} NIL NIL NIL NIL)` +
        ' "MIXED" ("BOUNDARY" "fwd") NIL NIL NIL)',
    );
  });

  it("a base64 message/rfc822 (not parsed) still has an envelope and a body, empty, as Dovecot writes it; its one line has no line end, so 0 lines", async () => {
    const raw = Buffer.from(
      lines("Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: message/rfc822", "Content-Transfer-Encoding: base64", "", "RnJvbTogYUBiDQoNCng=", "--b--"),
      "utf8",
    );
    expect(await render(raw, false)).toBe(
      '(("MESSAGE" "RFC822" NIL NIL NIL "BASE64" 20 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0) 0) "MIXED")',
    );
  });

  const leaf = (over: Partial<MimePart>): MimePart => ({
    part: "1", type: "text", subtype: "plain", params: {}, id: null, description: null, encoding: "7bit", md5: null, disposition: null,
    language: null, location: null, headerStart: 0, bodyStart: 0, bodyEnd: 0, lines: 0, children: [], ...over,
  });

  it("a multipart without parts gets an empty text/plain, since the grammar needs one (Dovecot does the same)", () => {
    const empty = leaf({ part: "", type: "multipart", subtype: "related", params: { boundary: "zz" } });
    expect(renderBodyStructure(empty, true).toString()).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL) "RELATED" ("BOUNDARY" "zz") NIL NIL NIL)',
    );
  });

  it("writes 8-bit parameter values and descriptions as literals", () => {
    const part = leaf({ type: "application", subtype: "pdf", params: { name: "Grüße.pdf" }, description: "a\r\nb", bodyStart: 10, bodyEnd: 30 });
    expect(renderBodyStructure(part, false).toString("utf8")).toBe(`("APPLICATION" "PDF" ("NAME" {11}\r\nGrüße.pdf) NIL {4}\r\na\r\nb "7BIT" 20)`);
    // Literal lengths count UTF-8 bytes, not characters.
    expect(bytes("Grüße.pdf")).toBe(11);
  });

  it("bounds the depth it follows, so a tree from anywhere can't exhaust the stack", () => {
    let part = leaf({});
    for (let i = 0; i < 5000; i++) part = leaf({ type: "multipart", subtype: "mixed", children: [part] });
    expect(() => renderBodyStructure(part, true)).not.toThrow();
  });
});
