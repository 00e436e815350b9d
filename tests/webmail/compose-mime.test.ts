// The MIME the composer sends, parsed back with mailparser as a receiving client would.
import { simpleParser, type AddressObject } from "mailparser";
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
const { buildMime, envelopeOf, newMessageId } = await import("@/lib/user-agent/compose/mime");
type MessageDraft = import("@/lib/user-agent/compose/mime").MessageDraft;

function draft(overrides: Partial<MessageDraft> = {}): MessageDraft {
  return {
    from: { name: "Älice Lindqvist", address: "alice@example.test" },
    to: [{ name: "Bob", address: "bob@example.test" }],
    cc: [{ name: "", address: "carol@example.test" }],
    bcc: [{ name: "Dave", address: "dave@example.test" }],
    subject: "Grüße aus Zürich – 你好",
    html: "<p>Hello <strong>Bob</strong>, see <a href=\"https://example.test/x\">the plan</a>.</p><blockquote><p>quoted line</p></blockquote>",
    text: "",
    attachments: [],
    inReplyTo: null,
    references: [],
    messageId: "<1234@example.test>",
    date: new Date("2026-11-26T10:00:00Z"),
    ...overrides,
  };
}

function headerLines(raw: Buffer): string {
  return raw.toString("latin1").split(/\r\n\r\n/)[0];
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  return (Array.isArray(value) ? value : value ? [value] : []).flatMap((entry) => entry.value.map((a) => `${a.name}|${a.address}`));
}

describe("composing a message (MailComposer), parsed back with mailparser", () => {
  it("rich text goes as multipart/alternative: a UTF-8 text part made from the HTML, then the sanitised HTML", async () => {
    const raw = await buildMime(draft({ html: '<p onclick="steal()">Hi <em>there</em></p><script>alert(1)</script><img src="javascript:x">' }), false);
    const parsed = await simpleParser(raw);
    expect(parsed.headers.get("content-type")).toMatchObject({ value: "multipart/alternative" });
    expect(parsed.text?.trim()).toBe("Hi there");
    expect(parsed.html).toContain("<em>there</em>");
    expect(parsed.html).not.toMatch(/script|onclick|javascript:/i);
    const source = raw.toString("latin1");
    expect(source).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(source).toMatch(/Content-Type: text\/html; charset=utf-8/);
  });

  it("the text alternative quotes with '> ' and names link targets", async () => {
    const parsed = await simpleParser(await buildMime(draft(), false));
    expect(parsed.text).toContain("the plan [https://example.test/x]");
    expect(parsed.text).toMatch(/^> quoted line$/m);
  });

  it("plain-text mode sends one text/plain part in UTF-8", async () => {
    const parsed = await simpleParser(await buildMime(draft({ html: null, text: "Plain café\n> a quote" }), false));
    expect(parsed.headers.get("content-type")).toMatchObject({ value: "text/plain", params: { charset: "utf-8" } });
    expect(parsed.text?.trim()).toBe("Plain café\n> a quote");
    expect(parsed.html).toBe(false);
  });

  it("non-ASCII subject and names are encoded words; addresses survive the round trip", async () => {
    const raw = await buildMime(draft(), false);
    const headers = headerLines(raw);
    expect(headers).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/m);
    expect(headers).toMatch(/^From: =\?UTF-8\?[BQ]\?.*\?= <alice@example\.test>$/m);
    expect(headers).not.toMatch(/[^\x00-\x7f]/);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe("Grüße aus Zürich – 你好");
    expect(addresses(parsed.from)).toEqual(["Älice Lindqvist|alice@example.test"]);
    expect(addresses(parsed.to)).toEqual(["Bob|bob@example.test"]);
    expect(addresses(parsed.cc)).toEqual(["|carol@example.test"]);
    expect(parsed.messageId).toBe("<1234@example.test>");
    expect(parsed.date?.toISOString()).toBe("2026-11-26T10:00:00.000Z");
  });

  it("Bcc is left out of what is submitted and kept in the sender's own copy; the envelope has everyone once", async () => {
    expect(headerLines(await buildMime(draft(), false))).not.toMatch(/^Bcc:/im);
    expect(addresses((await simpleParser(await buildMime(draft(), true))).bcc)).toEqual(["Dave|dave@example.test"]);
    expect(envelopeOf(draft({ cc: [{ name: "", address: "bob@example.test" }] }))).toEqual({ from: "alice@example.test", to: ["bob@example.test", "dave@example.test"] });
  });

  it("attachments keep their bytes, type and non-ASCII names (RFC 2231 in Content-Disposition)", async () => {
    const pdf = Buffer.from("%PDF-1.4 fake\n\u0000\u00ff binary", "latin1");
    const name = "Résumé für Herrn Müller – 履歴書.pdf";
    const raw = await buildMime(draft({ attachments: [{ filename: name, contentType: "application/pdf", content: pdf }] }), false);
    expect(raw.toString("latin1")).toMatch(/filename\*0\*=utf-8''R%C3%A9sum%C3%A9/);
    const parsed = await simpleParser(raw);
    expect(parsed.headers.get("content-type")).toMatchObject({ value: "multipart/mixed" });
    expect(parsed.attachments).toHaveLength(1);
    const [attachment] = parsed.attachments;
    expect(attachment.filename).toBe(name);
    expect(attachment.contentType).toBe("application/pdf");
    expect(attachment.contentDisposition).toBe("attachment");
    expect(Buffer.compare(attachment.content, pdf)).toBe(0);
    expect(parsed.text).toContain("Hello Bob");
  });

  it("a reply carries In-Reply-To and References for threading", async () => {
    const parsed = await simpleParser(await buildMime(draft({ inReplyTo: "<orig@remote.test>", references: ["<root@remote.test>", "<orig@remote.test>"] }), false));
    expect(parsed.inReplyTo).toBe("<orig@remote.test>");
    expect(parsed.references).toEqual(["<root@remote.test>", "<orig@remote.test>"]);
  });

  it("new Message-IDs are unique and in the sender's domain", () => {
    const first = newMessageId("alice@example.test");
    expect(first).toMatch(/^<[0-9a-f-]{36}@example\.test>$/);
    expect(newMessageId("alice@example.test")).not.toBe(first);
  });
});
