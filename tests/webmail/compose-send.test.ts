// Sending from the webmail against the bundled server over the wire: SMTP submission with the user's
// password, the copy in Sent, threading headers and \Answered for replies, attachments carried by a
// forward, and a refused submission kept in Drafts with the server's reason.
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { multipartMessage, startImapServer, textMessage, waitFor, type ImapTestServer, type TestAccount } from "../helpers/imap";

vi.mock("server-only", () => ({}));
const { ImapSession } = await import("@/lib/user-agent/imap/session");
const { saveDraft, sendMessage } = await import("@/lib/user-agent/compose/send");
const { deleteDraft, readDraft } = await import("@/lib/user-agent/compose/drafts");
const { messageIds, readOriginal, threadingHeaders } = await import("@/lib/user-agent/compose/original");
type OutgoingMessage = import("@/lib/user-agent/compose/types").OutgoingMessage;

let t: ImapTestServer;
let alice: TestAccount;
let bob: TestAccount;
let session: InstanceType<typeof ImapSession>;

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { fromName: "Alice", to: [{ name: "Bob", address: bob.address }], cc: [], bcc: [], subject: "Hello", html: "<p>Hi <b>Bob</b></p>", text: "", source: null, forwardParts: [], draft: null, draftParts: [], ...overrides };
}

async function mailbox(account: TestAccount, name: string) {
  const client = await t.imapflow(account);
  try {
    const lock = await client.getMailboxLock(name);
    try {
      const found: { flags: Set<string>; raw: Buffer }[] = [];
      for await (const entry of client.fetch("1:*", { flags: true, source: true })) if (entry.source) found.push({ flags: entry.flags ?? new Set(), raw: entry.source });
      return found;
    } finally {
      lock.release();
    }
  } catch {
    return [];
  } finally {
    await client.logout();
  }
}

async function arrived(account: TestAccount, subject: string) {
  const found = await waitFor(async () => {
    for (const entry of await mailbox(account, "INBOX")) {
      const parsed = await simpleParser(entry.raw);
      if (parsed.subject === subject) return parsed;
    }
    return undefined;
  }, 5000, `"${subject}" in ${account.address}'s INBOX`);
  return found;
}

/** A fixture in alice's INBOX, announced to her session (NOOP) as new mail would be while she reads. */
async function put(raw: Buffer): Promise<number> {
  const uid = await t.put(alice, raw);
  await session.withMailbox("INBOX", (client) => client.noop());
  return uid;
}

beforeAll(async () => {
  t = await startImapServer();
  alice = await t.account("alice");
  bob = await t.account("bob");
  session = new ImapSession("send-test", alice.address, { user: alice.address, pass: alice.password }, { host: "127.0.0.1", port: t.imapPort, secure: false, requireStartTls: false, loopback: true, acceptSelfSigned: false });
  vi.stubEnv("SUBMISSION_PORT", String(t.server.port("submission")));
  vi.stubEnv("SMTP_URL", "");
  vi.stubEnv("BIND_ADDRESS", "127.0.0.1");
  vi.stubEnv("MAX_MESSAGE_SIZE", "1M");
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await session?.close();
  await t?.cleanup();
});

describe("sending from the webmail", () => {
  it("submits with the user's password; the recipient gets it and Sent keeps a \\Seen copy with the Bcc", async () => {
    const result = await sendMessage(session, alice.password, message({ subject: "First send", bcc: [{ name: "", address: alice.address }] }), [
      { filename: "notes é.txt", contentType: "text/plain", content: Buffer.from("attached words") },
    ]);
    expect(result).toEqual({ ok: true, savedToSent: true, rejected: [] });
    const received = await arrived(bob, "First send");
    expect(received.from?.value).toEqual([{ name: "Alice", address: alice.address }]);
    expect(received.html).toContain("<b>Bob</b>");
    expect(received.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([["notes é.txt", "attached words"]]);
    expect(received.headers.has("bcc")).toBe(false);
    const sent = await mailbox(alice, "Sent");
    expect(sent).toHaveLength(1);
    expect(sent[0].flags.has("\\Seen")).toBe(true);
    const copy = await simpleParser(sent[0].raw);
    expect(copy.messageId).toBe(received.messageId);
    expect(copy.bcc).toBeDefined();
  });

  it("a reply threads under the original and marks it \\Answered; the original reads back for quoting", async () => {
    const uid = await put(textMessage("Question", { from: `Bob <${bob.address}>`, to: alice.address, messageId: "<q1@remote.test>", body: "Shall we meet?\n" }));
    const original = await readOriginal(session, "INBOX", uid);
    expect(original).toMatchObject({ subject: "Question", from: [{ name: "Bob", address: bob.address }] });
    expect(original?.text.trim()).toBe("Shall we meet?");
    const result = await sendMessage(session, alice.password, message({ subject: "Re: Question", source: { folder: "INBOX", uid, mode: "reply" } }), []);
    expect(result.ok).toBe(true);
    const reply = await arrived(bob, "Re: Question");
    expect(reply.inReplyTo).toBe("<q1@remote.test>");
    expect(reply.references).toBe("<q1@remote.test>");
    const inbox = await mailbox(alice, "INBOX");
    expect(inbox.find((entry) => entry.raw.includes("<q1@remote.test>"))?.flags.has("\\Answered")).toBe(true);
  });

  it("a forward carries the original's attachments, fetched over IMAP", async () => {
    const bytes = Buffer.from("binary \x00\x01\x02 payload", "latin1");
    const uid = await put(multipartMessage("Report", { to: alice.address, attachment: bytes, filename: "report.bin" }));
    const result = await sendMessage(session, alice.password, message({ subject: "Fwd: Report", source: { folder: "INBOX", uid, mode: "forward" }, forwardParts: ["2"] }), []);
    expect(result.ok).toBe(true);
    const forwarded = await arrived(bob, "Fwd: Report");
    expect(forwarded.attachments).toHaveLength(1);
    expect(forwarded.attachments[0].filename).toBe("report.bin");
    expect(Buffer.compare(forwarded.attachments[0].content, bytes)).toBe(0);
    expect(forwarded.inReplyTo).toBeUndefined();
  });

  it("a refused submission keeps the message in Drafts and says why", async () => {
    const result = await sendMessage(session, "not the password", message({ subject: "Never sent" }), []);
    expect(result).toMatchObject({ ok: false, failure: "password", draft: { uid: expect.any(Number) } });
    expect(result.ok === false && result.detail).toMatch(/^535\b/);
    const drafts = await mailbox(alice, "Drafts");
    const kept = drafts.at(-1);
    expect(kept?.flags.has("\\Draft")).toBe(true);
    expect((await simpleParser(kept?.raw ?? Buffer.alloc(0))).subject).toBe("Never sent");
  });

  it("drafts: each save replaces the last version (by its UID), reopens with Bcc and attachments, and goes when sent", async () => {
    const bcc = [{ name: "", address: "dave@example.test" }];
    const first = await saveDraft(session, message({ subject: "Draft one", bcc }), [
      { filename: "plan.txt", contentType: "text/plain", content: Buffer.from("the plan") },
    ]);
    expect(first.attachments.map((a) => a.filename)).toEqual(["plan.txt"]);
    // The next save carries the attachment on from the saved draft, not from a new upload.
    const second = await saveDraft(session, message({ subject: "Draft two", bcc, html: null, text: "Plain words", draft: first.uid, draftParts: first.attachments.map((a) => a.part) }), []);
    expect(second.uid).toBeGreaterThan(first.uid);
    const drafts = (await mailbox(alice, "Drafts")).filter((entry) => entry.raw.includes("Draft "));
    expect(drafts).toHaveLength(1);
    expect(drafts[0].flags.has("\\Draft")).toBe(true);
    const reopened = await readDraft(session, second.uid);
    expect(reopened).toMatchObject({ uid: second.uid, subject: "Draft two", html: null, bcc });
    expect(reopened?.text.trim()).toBe("Plain words");
    expect(reopened?.attachments.map((a) => a.filename)).toEqual(["plan.txt"]);

    const sent = await sendMessage(session, alice.password, message({ subject: "Draft two", draft: second.uid, draftParts: second.attachments.map((a) => a.part) }), []);
    expect(sent.ok).toBe(true);
    expect((await arrived(bob, "Draft two")).attachments.map((a) => a.content.toString())).toEqual(["the plan"]);
    expect((await mailbox(alice, "Drafts")).filter((entry) => entry.raw.includes("Draft "))).toHaveLength(0);
    expect(await readDraft(session, second.uid)).toBeNull();

    const third = await saveDraft(session, message({ subject: "Draft three" }), []);
    await deleteDraft(session, third.uid);
    expect(await readDraft(session, third.uid)).toBeNull();
    // Its composer, still open, saves again: a new draft, not an error at every autosave.
    const again = await saveDraft(session, message({ subject: "Draft three, again", draft: third.uid }), []);
    expect(again.uid).toBeGreaterThan(third.uid);
    expect(await readDraft(session, again.uid)).toMatchObject({ subject: "Draft three, again" });
    await deleteDraft(session, again.uid);
  });

  it("keeps the thread's root and latest references when trimming a long chain", () => {
    const chain = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`).join(" ");
    const { inReplyTo, references } = threadingHeaders("<new@x>", messageIds(`References: ${chain}\r\n`));
    expect(inReplyTo).toBe("<new@x>");
    expect(references).toHaveLength(20);
    expect(references[0]).toBe("<m0@x>");
    expect(references.at(-1)).toBe("<new@x>");
  });
});
