// Delivery status as the webmail finds it over IMAP, against the bundled server: a message sent with
// reports asked for (ENVID remembered only on the copy in Sent) to a local recipient and to one whose
// server refuses it (a fake peer answering 550); the reports that reach INBOX are matched to the sent
// message, one per recipient, with the remote server's words; a message sent without reports is not
// confused with it; a bounce opened on its own reads as a report.
import { ImapFlow } from "imapflow";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startImapServer, textMessage, waitFor, type ImapTestServer, type TestAccount } from "../helpers/imap";
import { buildReport } from "@/lib/mail-server/queue/reports";
import { startFakePeer, type FakePeer } from "../helpers/outbound";

vi.mock("server-only", () => ({}));
const { ImapSession } = await import("@/lib/user-agent/imap/session");
const { sendMessage } = await import("@/lib/user-agent/compose/send");
const { deliveryOfSent, openDeliveryReport } = await import("@/lib/user-agent/delivery/find");
type OutgoingMessage = import("@/lib/user-agent/compose/types").OutgoingMessage;

let t: ImapTestServer;
let alice: TestAccount;
let bob: TestAccount;
let refusing: FakePeer;
let session: InstanceType<typeof ImapSession>;

const REFUSAL = "550 5.1.1 <nobody@refusing.test>: Recipient address rejected: User unknown";

beforeAll(async () => {
  refusing = await startFakePeer({ command: (line) => (/^RCPT/i.test(line) ? REFUSAL : undefined) });
  t = await startImapServer({ env: { OUTBOUND_ROUTES: `refusing.test=${refusing.route}` } });
  alice = await t.account("alice");
  bob = await t.account("bob");
  session = new ImapSession("delivery-test", alice.address, { user: alice.address, pass: alice.password }, { host: "127.0.0.1", port: t.imapPort, secure: false, requireStartTls: false, loopback: true, acceptSelfSigned: false });
  vi.stubEnv("SUBMISSION_PORT", String(t.server.port("submission")));
  vi.stubEnv("SMTP_URL", "");
  vi.stubEnv("BIND_ADDRESS", "127.0.0.1");
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await session?.close();
  await t?.cleanup();
  await refusing?.close();
});

function message(overrides: Partial<OutgoingMessage>): OutgoingMessage {
  return { fromName: "Alice", to: [], cc: [], bcc: [], subject: "", html: null, text: "Hello.", source: null, forwardParts: [], draft: null, draftParts: [], ...overrides };
}

/** UIDs in a folder of alice's whose subject is `subject`. */
async function uidsOf(folder: string, criteria: { subject?: string; header?: Record<string, string> }): Promise<number[]> {
  return session.withMailbox(folder, async (client) => {
    const found = await client.search(criteria, { uid: true });
    return Array.isArray(found) ? found : [];
  });
}

describe("delivery status of sent messages", () => {
  it("matches the delivered and failed reports to the message sent with reports asked for", async () => {
    const result = await sendMessage(session, alice.password, message({ subject: "With reports", to: [{ name: "Bob", address: bob.address }, { name: "", address: "nobody@refusing.test" }], deliveryReports: true }), []);
    expect(result).toMatchObject({ ok: true, savedToSent: true });
    // Both reports in INBOX: bob's "delivered" at once, the refusal once the queue has tried.
    await waitFor(async () => (await uidsOf("INBOX", { header: { "content-type": "delivery-status" } })).length >= 2 || undefined, 10_000, "two reports");
    const [sentUid] = await uidsOf("Sent", { subject: "With reports" });
    const status = await deliveryOfSent(session, "Sent", sentUid);
    expect(status?.requested).toBe(true);
    const byAddress = Object.fromEntries((status?.recipients ?? []).map((entry) => [entry.address.address, entry.delivery]));
    expect(Object.keys(byAddress).sort()).toEqual([bob.address, "nobody@refusing.test"].sort());
    expect(byAddress[bob.address]).toMatchObject({ action: "delivered", status: "2.0.0" });
    expect(byAddress["nobody@refusing.test"]).toMatchObject({ action: "failed", status: "5.1.1", diagnostic: REFUSAL, remoteMta: refusing.route });

    // The ENVID stays with the sender: bob's copy has no trace of it.
    const received = await t.imapflow(bob).then(async (client) => {
      try {
        await client.mailboxOpen("INBOX");
        const newest = await client.fetchOne("*", { source: true });
        return newest ? newest.source : undefined;
      } finally {
        await client.logout();
      }
    });
    expect(received?.toString()).not.toMatch(/X-Envelope-Id/i);
    expect((await simpleParser(received!)).subject).toBe("With reports");

    // The bounce opened on its own reads as a report about this message.
    const bounceUid = byAddress["nobody@refusing.test"]!.report.uid;
    const bounce = await openDeliveryReport(session, "INBOX", bounceUid);
    expect(bounce?.original.subject).toBe("With reports");
    expect(bounce?.recipients.map((r) => r.action)).toEqual(["failed"]);
  });

  it("does not take another message's reports, says nothing while none came, and finds one that comes later", async () => {
    await sendMessage(session, alice.password, message({ subject: "Without reports", to: [{ name: "Bob", address: bob.address }] }), []);
    const [sentUid] = await uidsOf("Sent", { subject: "Without reports" });
    const status = await deliveryOfSent(session, "Sent", sentUid);
    expect(status).toEqual({ requested: false, recipients: [{ address: { name: "Bob", address: bob.address }, delivery: null }] });
    // A bounce for it arrives later (forged here, as anyone's could be): INBOX changed, so it is found.
    const [sentCopy] = await session.withMailbox("Sent", async (client) => [await client.fetchOne(String(sentUid), { envelope: true }, { uid: true })]);
    const { raw } = buildReport({
      hostname: "mx.elsewhere.test",
      message: { sender: alice.address, envid: "", ret: "HDRS", createdAt: new Date() },
      original: Buffer.from(`Message-ID: ${sentCopy && sentCopy.envelope?.messageId}\r\nSubject: Without reports\r\n\r\n`),
      recipients: [{ address: bob.address, orcpt: "", action: "failed", status: "5.2.2", remoteHost: "mx.elsewhere.test", diagnostic: "552 5.2.2 mailbox full", lastAttemptAt: new Date() }],
      retryUntil: null,
    });
    await t.put(alice, raw);
    const later = await deliveryOfSent(session, "Sent", sentUid);
    expect(later?.recipients[0].delivery).toMatchObject({ action: "failed", status: "5.2.2", diagnostic: "552 5.2.2 mailbox full" });

    // Nothing new since: the answer comes from the caches, without a SEARCH or a FETCH of INBOX.
    const search = vi.spyOn(ImapFlow.prototype, "search");
    const fetch = vi.spyOn(ImapFlow.prototype, "fetch");
    expect(await deliveryOfSent(session, "Sent", sentUid)).toEqual(later);
    expect(search).not.toHaveBeenCalled();
    expect(fetch).not.toHaveBeenCalled();
    search.mockRestore();
    fetch.mockRestore();

    // Not a report: nothing to read as one.
    const plainUid = await t.put(alice, textMessage("Plain", { from: bob.address, to: alice.address }));
    await session.withMailbox("INBOX", (client) => client.noop());
    expect(await openDeliveryReport(session, "INBOX", plainUid)).toBeNull();
  });
});
