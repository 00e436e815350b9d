// What the composer adds beyond text, against the bundled server over the wire: inline images sent as
// multipart/related parts named by cid: (and back as images when a draft reopens), forward as attachment
// (message/rfc822) with $Forwarded on the original, and the size limit learned from EHLO SIZE.
import { simpleParser, type ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { multipartMessage, startImapServer, waitFor, type ImapTestServer, type TestAccount } from "../helpers/imap";

vi.mock("server-only", () => ({}));
const { ImapSession } = await import("@/lib/user-agent/imap/session");
const { saveDraft, sendMessage } = await import("@/lib/user-agent/compose/send");
const { readDraft } = await import("@/lib/user-agent/compose/drafts");
const { buildMime } = await import("@/lib/user-agent/compose/mime");
const { TooLargeError } = await import("@/lib/user-agent/compose/original");
const { emlName } = await import("@/lib/user-agent/compose/types");
const { messageSizeLimit, probeEhlo, sizeFromEhlo } = await import("@/lib/user-agent/compose/size-limit");
const { base64Size, estimatedMessageSize } = await import("@/lib/user-agent/compose/encoded-size");
type OutgoingMessage = import("@/lib/user-agent/compose/types").OutgoingMessage;

// A 1×1 PNG, as a browser's clipboard hands over a pasted screenshot.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const PNG_URL = `data:image/png;base64,${PNG.toString("base64")}`;
const SERVER_LIMIT = 2 * 1024 * 1024;

let t: ImapTestServer;
let alice: TestAccount;
let bob: TestAccount;
let session: InstanceType<typeof ImapSession>;

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { fromName: "Alice", to: [{ name: "Bob", address: bob.address }], cc: [], bcc: [], subject: "Hello", html: "<p>Hi</p>", text: "", source: null, forwardParts: [], draft: null, draftParts: [], ...overrides };
}

async function inbox(account: TestAccount, subject: string): Promise<{ flags: Set<string>; parsed: ParsedMail; raw: Buffer }> {
  return waitFor(
    async () => {
      const client = await t.imapflow(account);
      try {
        const lock = await client.getMailboxLock("INBOX");
        try {
          for await (const entry of client.fetch("1:*", { flags: true, source: true })) {
            if (!entry.source) continue;
            const parsed = await simpleParser(entry.source);
            if (parsed.subject === subject) return { flags: entry.flags ?? new Set<string>(), parsed, raw: entry.source };
          }
          return undefined;
        } finally {
          lock.release();
        }
      } finally {
        await client.logout();
      }
    },
    5000,
    `"${subject}" in ${account.address}'s INBOX`,
  );
}

beforeAll(async () => {
  // The submission server says SIZE 2M; the webmail's own MAX_MESSAGE_SIZE is larger: the server's wins.
  t = await startImapServer({ env: { MAX_MESSAGE_SIZE: "2M" } });
  alice = await t.account("alice");
  bob = await t.account("bob");
  session = new ImapSession("attachments-test", alice.address, { user: alice.address, pass: alice.password }, { host: "127.0.0.1", port: t.imapPort, secure: false, requireStartTls: false, loopback: true, acceptSelfSigned: false });
  vi.stubEnv("SUBMISSION_PORT", String(t.server.port("submission")));
  vi.stubEnv("SMTP_URL", "");
  vi.stubEnv("BIND_ADDRESS", "127.0.0.1");
  vi.stubEnv("MAX_MESSAGE_SIZE", "8M");
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await session?.close();
  await t?.cleanup();
});

describe("inline images", () => {
  it("go in a multipart/related with the HTML that names them by cid:, as Thunderbird sends them; the text part leaves them out", async () => {
    const html = `<p>Look:</p><p><img src="${PNG_URL}"> and again <img src="${PNG_URL}"></p>`;
    const result = await sendMessage(session, alice.password, message({ subject: "Picture", html }), [{ filename: "notes.txt", contentType: "text/plain", content: Buffer.from("words") }]);
    expect(result.ok).toBe(true);
    const { parsed, raw } = await inbox(bob, "Picture");
    const source = raw.toString("latin1");
    // mixed → alternative → (text, related → (html, image)); then the file.
    expect(parsed.headers.get("content-type")).toMatchObject({ value: "multipart/mixed" });
    const order = [...source.matchAll(/^Content-Type: ([a-z]+\/[a-z0-9.+-]+)/gim)].map((match) => match[1].toLowerCase());
    expect(order).toEqual(["multipart/mixed", "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png", "text/plain"]);
    const images = parsed.attachments.filter((attachment) => attachment.contentType === "image/png");
    // The same picture twice is one part.
    expect(images).toHaveLength(1);
    expect(images[0].related).toBe(true);
    expect(Buffer.compare(images[0].content, PNG)).toBe(0);
    expect(source).toMatch(/^Content-Disposition: inline/m);
    const cids = [...source.matchAll(/src=3D"cid:([^"]+)"|src="cid:([^"]+)"/g)];
    expect(cids.length).toBeGreaterThanOrEqual(1);
    expect(source).not.toContain("data:image");
    expect(parsed.text).not.toMatch(/cid:|data:/);
    expect(parsed.attachments.find((attachment) => attachment.filename === "notes.txt")?.content.toString()).toBe("words");
  });

  it("a draft with an image reopens with it shown, and not listed as an attachment", async () => {
    const saved = await saveDraft(session, message({ subject: "Draft picture", html: `<p>See <img src="${PNG_URL}"></p>` }), []);
    expect(saved.attachments).toEqual([]);
    const reopened = await readDraft(session, saved.uid);
    expect(reopened?.html).toContain(PNG_URL);
  });
});

describe("forward as attachment", () => {
  it("carries the original whole as message/rfc822, and marks it $Forwarded", async () => {
    const original = multipartMessage("Quarterly report", { to: alice.address, attachment: Buffer.from("figures"), filename: "q3.csv" });
    const uid = await t.put(alice, original);
    await session.withMailbox("INBOX", (client) => client.noop());
    const result = await sendMessage(session, alice.password, message({ subject: "Fwd: Quarterly report", html: "<p>FYI</p>", source: { folder: "INBOX", uid, mode: "forward" }, forwardAsAttachment: true }), []);
    expect(result.ok).toBe(true);
    const { parsed } = await inbox(bob, "Fwd: Quarterly report");
    expect(parsed.inReplyTo).toBeUndefined();
    const attached = parsed.attachments.filter((attachment) => attachment.contentType === "message/rfc822");
    expect(attached).toHaveLength(1);
    expect(attached[0].filename).toBe("Quarterly report.eml");
    expect(attached[0].contentDisposition).toBe("attachment");
    const inner = await simpleParser(attached[0].content);
    expect(inner.subject).toBe("Quarterly report");
    expect(inner.attachments[0]?.content.toString()).toBe("figures");
    const flags = await session.withMailbox("INBOX", async (client) => {
      const fetched = await client.fetchOne(String(uid), { uid: true, flags: true }, { uid: true });
      return fetched ? fetched.flags : undefined;
    });
    expect(flags?.has("$Forwarded")).toBe(true);
    expect(flags?.has("\\Answered")).toBe(false);
  });

  it("names the file after the subject, without what file systems refuse", () => {
    expect(emlName('Re: a/b "c"?')).toBe("Re a b c.eml");
    expect(emlName("")).toBe("message.eml");
  });
});

describe("the size limit", () => {
  it("is the submission server's EHLO SIZE when smaller than MAX_MESSAGE_SIZE", async () => {
    const port = t.server.port("submission");
    const answer = await probeEhlo({ host: "127.0.0.1", port, secure: false, acceptSelfSigned: false });
    expect(sizeFromEhlo(answer ?? "")).toBe(SERVER_LIMIT);
    expect(await messageSizeLimit()).toBe(SERVER_LIMIT);
  });

  it("reads SIZE from EHLO answers, and none from a server that names none, 0 or nothing", async () => {
    expect(sizeFromEhlo("250-mx.example Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n")).toBe(10240000);
    expect(sizeFromEhlo("250-mx.example\r\n250 SIZE\r\n")).toBeNull();
    expect(sizeFromEhlo("250-mx.example\r\n250 SIZE 0\r\n")).toBeNull();
    expect(sizeFromEhlo("250 mx.example\r\n")).toBeNull();
    // Nobody listening: no answer, quickly.
    expect(await probeEhlo({ host: "127.0.0.1", port: 1, secure: false, acceptSelfSigned: false })).toBeNull();
  });

  it("refuses before sending a message that would pass it, and keeps nothing", async () => {
    const big = Buffer.alloc(Math.floor(SERVER_LIMIT * 0.8), 7);
    await expect(sendMessage(session, alice.password, message({ subject: "Too big" }), [{ filename: "big.bin", contentType: "application/octet-stream", content: big }])).rejects.toBeInstanceOf(TooLargeError);
  });

  it("the composer's estimate covers base64 and headers, and stays close to the real size", async () => {
    expect(base64Size(57)).toBe(78);
    const content = Buffer.alloc(300_000, 1);
    const raw = await buildMime({ from: { name: "", address: alice.address }, to: [{ name: "", address: bob.address }], cc: [], bcc: [], subject: "Size", html: "<p>Hello</p>", text: "", attachments: [{ filename: "a.bin", contentType: "application/octet-stream", content }], inReplyTo: null, references: [], messageId: "<s@example.test>", date: new Date() }, false);
    const estimate = estimatedMessageSize("<p>Hello</p>".length, [content.length]);
    expect(estimate).toBeGreaterThanOrEqual(raw.length);
    expect(estimate - raw.length).toBeLessThan(16 * 1024);
  });
});
