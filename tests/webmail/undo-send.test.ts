// Undo send against the bundled server over the wire: a scheduled message waits in Drafts and leaves
// only when its window ends (sent by the web process's service, with the Bcc field dropped); undone in
// time, it never reaches the recipient and its draft is handed back.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startImapServer, waitFor, type ImapTestServer, type TestAccount } from "../helpers/imap";

vi.mock("server-only", () => ({}));
const { ImapSession } = await import("@/lib/user-agent/imap/session");
const { cancelSend, dismissFailedSend, failedSends, pendingSends, scheduleSend, sendState, withoutBcc } = await import("@/lib/user-agent/compose/pending-send");
const { webmailDatabase } = await import("@/lib/user-agent/webmail-database");
type OutgoingMessage = import("@/lib/user-agent/compose/types").OutgoingMessage;

let t: ImapTestServer;
let alice: TestAccount;
let bob: TestAccount;
let session: InstanceType<typeof ImapSession>;
const dataDir = mkdtempSync(path.join(tmpdir(), "undo-send-"));

function message(subject: string): OutgoingMessage {
  return { fromName: "Alice", to: [{ name: "Bob", address: bob.address }], cc: [], bcc: [{ name: "", address: alice.address }], subject, html: "<p>Hi</p>", text: "", source: null, forwardParts: [], draft: null, draftParts: [] };
}

async function subjects(account: TestAccount, folder: string): Promise<{ subject: string; raw: Buffer }[]> {
  const client = await t.imapflow(account);
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const found: { subject: string; raw: Buffer }[] = [];
      for await (const entry of client.fetch("1:*", { source: true })) if (entry.source) found.push({ subject: (await simpleParser(entry.source)).subject ?? "", raw: entry.source });
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

beforeAll(async () => {
  t = await startImapServer();
  alice = await t.account("alice");
  bob = await t.account("bob");
  session = new ImapSession("undo-test", alice.address, { user: alice.address, pass: alice.password }, { host: "127.0.0.1", port: t.imapPort, secure: false, requireStartTls: false, loopback: true, acceptSelfSigned: false });
  vi.stubEnv("DATA_DIR", dataDir);
  vi.stubEnv("DATABASE_URL", "");
  vi.stubEnv("IMAP_PORT", String(t.imapPort));
  vi.stubEnv("SUBMISSION_PORT", String(t.server.port("submission")));
  vi.stubEnv("IMAP_URL", "");
  vi.stubEnv("SMTP_URL", "");
  vi.stubEnv("BIND_ADDRESS", "127.0.0.1");
}, 60_000);

afterAll(async () => {
  pendingSends().stop();
  vi.unstubAllEnvs();
  await session?.close();
  await t?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("undo send", () => {
  it("drops the Bcc field, and only it, from what recipients get", () => {
    const raw = Buffer.from("From: a@x.test\r\nBcc: secret@x.test,\r\n other@x.test\r\nSubject: Bcc: not a header\r\n\r\nBcc: body line\r\n");
    expect(withoutBcc(raw).toString()).toBe("From: a@x.test\r\nSubject: Bcc: not a header\r\n\r\nBcc: body line\r\n");
  });

  it("undone in time: the message stays in Drafts, handed back, and never reaches the recipient", async () => {
    const prisma = await webmailDatabase();
    const scheduled = await scheduleSend(session, alice.password, message("Undone"), [], 30);
    expect((await subjects(alice, "Drafts")).map((entry) => entry.subject)).toContain("Undone");
    expect(await sendState(prisma, alice.address, scheduled.id)).toEqual({ state: "pending", draft: scheduled.draft });
    // Another user can neither see nor undo it.
    expect(await cancelSend(prisma, bob.address, scheduled.id)).toBeNull();
    expect(await cancelSend(prisma, alice.address, scheduled.id)).toBe(scheduled.draft);
    expect(await cancelSend(prisma, alice.address, scheduled.id)).toBeNull();
    // Even a sweep past its time sends nothing.
    await prisma.webmailPendingSend.updateMany({ where: { id: scheduled.id }, data: { sendAt: new Date(0) } });
    await pendingSends().sweep();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await subjects(bob, "INBOX")).toEqual([]);
  });

  it("not undone: it leaves when the window ends, without its Bcc, with a copy in Sent and the draft gone", async () => {
    const prisma = await webmailDatabase();
    const scheduled = await scheduleSend(session, alice.password, message("Waited"), [], 1);
    expect(await subjects(bob, "INBOX")).toEqual([]);
    const [delivered] = await waitFor(async () => {
      const found = await subjects(bob, "INBOX");
      return found.length ? found : undefined;
    }, 5000, "the scheduled message in bob's INBOX");
    expect(delivered.subject).toBe("Waited");
    expect(delivered.raw.toString()).not.toMatch(/^Bcc:/im);
    await waitFor(async () => ((await sendState(prisma, alice.address, scheduled.id))?.state === "sent" ? true : undefined), 3000, "the row marked sent");
    await waitFor(async () => ((await subjects(alice, "Sent")).some((entry) => entry.subject === "Waited") ? true : undefined), 3000, "the copy in Sent");
    expect((await subjects(alice, "Drafts")).map((entry) => entry.subject)).not.toContain("Waited");
    expect((await subjects(alice, "Sent")).find((entry) => entry.subject === "Waited")?.raw.toString()).toMatch(/^Bcc:/im);
  });

  it("says which recipients were refused while the others got it", async () => {
    const prisma = await webmailDatabase();
    const nobody = `nobody-here@${alice.address.split("@")[1]}`;
    const partly = { ...message("Partly"), to: [{ name: "Bob", address: bob.address }, { name: "", address: nobody }] };
    const scheduled = await scheduleSend(session, alice.password, partly, [], 1);
    const state = await waitFor(async () => {
      const found = await sendState(prisma, alice.address, scheduled.id);
      return found?.state === "sent" || found?.state === "failed" ? found : undefined;
    }, 15_000, "the row marked sent");
    expect(state).toMatchObject({ state: "sent", rejected: [{ address: nobody }] });
    expect(state.state === "sent" && state.rejected[0].answer).toMatch(/^5\d\d/);
  });

  it("a send that fails after its window is kept to be said when the page next opens, until read", async () => {
    const prisma = await webmailDatabase();
    const scheduled = await scheduleSend(session, alice.password, message("Lost draft"), [], 1);
    // The draft goes before the window ends (another device deleted it): nothing can be sent.
    await session.withMailbox("Drafts", async (client) => void (await client.messageDelete(String(scheduled.draft), { uid: true })));
    await waitFor(async () => ((await sendState(prisma, alice.address, scheduled.id))?.state === "failed" ? true : undefined), 15_000, "the row marked failed");
    const [failed] = await failedSends(prisma, alice.address);
    expect(failed).toMatchObject({ id: scheduled.id, failure: "refused" });
    expect(failed.to).toContain(bob.address);
    expect(failed.detail).toMatch(/removed from Drafts/);
    expect(await failedSends(prisma, bob.address)).toEqual([]);
    expect(await dismissFailedSend(prisma, bob.address, scheduled.id)).toBe(false);
    expect(await dismissFailedSend(prisma, alice.address, scheduled.id)).toBe(true);
    expect(await failedSends(prisma, alice.address)).toEqual([]);
  });
});
