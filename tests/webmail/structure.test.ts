import type { MessageStructureObject } from "imapflow";
import { describe, expect, it, vi } from "vitest";
import { chooseBody, hasAttachments, listAttachments } from "@/lib/user-agent/mail/structure";
import { contentDisposition, safeContentType } from "@/lib/web/content-disposition";

vi.mock("server-only", () => ({}));
const { decodeSnippet, snippetSource } = await import("@/lib/user-agent/mail/snippet");

const text = (part: string, type = "text/plain", extra: Partial<MessageStructureObject> = {}): MessageStructureObject => ({ part, type, size: 100, ...extra });

describe("choosing the body and the attachments from BODYSTRUCTURE", () => {
  it("a single-part message is its own body, part 1", () => {
    expect(chooseBody({ type: "text/plain", size: 10 })).toEqual({ part: "1", format: "text" });
    expect(chooseBody({ type: "text/html", size: 10 })).toEqual({ part: "1", format: "html" });
  });

  it("alternative: HTML preferred; mixed: the first body, the rest attachments; related images are not attachments", () => {
    const root: MessageStructureObject = {
      type: "multipart/mixed",
      childNodes: [
        {
          part: "1",
          type: "multipart/related",
          childNodes: [
            { part: "1.1", type: "multipart/alternative", childNodes: [text("1.1.1"), text("1.1.2", "text/html")] },
            { part: "1.2", type: "image/png", id: "<logo@x>", disposition: "inline", size: 400 },
          ],
        },
        { part: "2", type: "application/pdf", encoding: "base64", size: 400, dispositionParameters: { filename: "a.pdf" }, disposition: "attachment" },
        text("3", "text/plain", { disposition: "attachment", dispositionParameters: { filename: "notes.txt" } }),
        { part: "4", type: "message/rfc822", size: 50 },
      ],
    };
    const body = chooseBody(root);
    expect(body).toEqual({ part: "1.1.2", format: "html" });
    expect(listAttachments(root, body)).toEqual([
      { part: "2", filename: "a.pdf", contentType: "application/pdf", size: 300 },
      { part: "3", filename: "notes.txt", contentType: "text/plain", size: 100 },
      { part: "4", filename: "message-3.eml", contentType: "message/rfc822", size: 50 },
    ]);
    expect(hasAttachments(root)).toBe(true);
    expect(hasAttachments({ type: "multipart/alternative", childNodes: [text("1"), text("2", "text/html")] })).toBe(false);
  });

  it("an attachment-only message has no body", () => {
    expect(chooseBody({ type: "application/zip", disposition: "attachment" })).toBeNull();
  });
});

describe("download headers", () => {
  it("Content-Disposition carries an ASCII fallback and the UTF-8 name (RFC 6266 / 8187)", () => {
    expect(contentDisposition("attachment", "Rapport d'été.pdf")).toBe(`attachment; filename="Rapport d'_t_.pdf"; filename*=UTF-8''Rapport%20d%27%C3%A9t%C3%A9.pdf`);
    const hostile = contentDisposition("attachment", '../../etc/"passwd"\r\nX-Evil: 1');
    expect(hostile).not.toMatch(/[\r\n]/);
    expect(hostile).not.toContain("../");
    expect(contentDisposition("attachment", "")).toContain('filename="attachment"');
  });

  it("only inert types keep their type; HTML and SVG become bytes", () => {
    expect(safeContentType("text/html")).toBe("application/octet-stream");
    expect(safeContentType("image/svg+xml")).toBe("application/octet-stream");
    expect(safeContentType("image/PNG; name=x")).toBe("image/png");
    expect(safeContentType("text/plain; charset=koi8-r")).toBe("text/plain");
  });
});

describe("list preview snippets", () => {
  it("prefers the plain-text alternative and decodes its transfer encoding and charset", () => {
    const source = snippetSource({ type: "multipart/alternative", childNodes: [text("1", "text/html"), text("2", "text/plain", { encoding: "quoted-printable", parameters: { charset: "iso-8859-1" } })] });
    expect(source).toEqual({ part: "2", html: false, encoding: "quoted-printable", charset: "iso-8859-1" });
    expect(decodeSnippet(Buffer.from("Caf=E9 au lait,=\r\n demain?\r\n> quoted line\r\nfin"), source!)).toBe("Café au lait, demain? fin");
  });

  it("HTML: tags, styles and entities out; base64 cut mid-way and GBK decoded", () => {
    const html = { part: "1", html: true, encoding: "7bit", charset: "utf-8" };
    expect(decodeSnippet(Buffer.from("<style>p{color:red}</style><p>Hello&nbsp;<b>there</b> &amp; &#233;"), html)).toBe("Hello there & é");
    const gbk = { part: "1", html: false, encoding: "base64", charset: "gbk" };
    expect(decodeSnippet(Buffer.from("xOO6wyzKwL3n").subarray(0, 11), gbk)).toBe("你好,");
    expect(decodeSnippet(Buffer.from("x".repeat(400)), { ...html, html: false }).length).toBe(160);
  });
});
