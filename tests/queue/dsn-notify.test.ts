// What NOTIFY asks for and what the sender is told (RFC 3461 §6.2, RFC 3464): a local delivery
// reports "delivered"; a remote server without DSN gets the message and we report "relayed"; a
// remote server with DSN is handed NOTIFY/ENVID/ORCPT and reports itself, so we say nothing;
// NOTIFY=NEVER silences a bounce. Every report names the original's Message-ID in the headers
// it returns, and ENVID comes back as Original-Envelope-Id. Fake peers play the remote servers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headerOf, waitFor, type StoredMessage } from "../helpers/smtp";
import { plainMessage, startDomainServer, startFakePeer, submit, type DomainServer, type FakePeer } from "../helpers/outbound";

describe("delivery status notifications as NOTIFY asks", () => {
  let a: DomainServer;
  let alice: string;
  let plainPeer: FakePeer;
  let dsnPeer: FakePeer;
  let refusingPeer: FakePeer;

  beforeAll(async () => {
    plainPeer = await startFakePeer();
    dsnPeer = await startFakePeer({ extensions: ["PIPELINING", "8BITMIME", "DSN", "SIZE 10000000"] });
    refusingPeer = await startFakePeer({ command: (line) => (/^RCPT/i.test(line) ? "550 5.1.1 <nobody@refusing.test>: Recipient address rejected" : undefined) });
    a = await startDomainServer("a.test", {
      env: { OUTBOUND_ROUTES: `plain.test=${plainPeer.route},dsn.test=${dsnPeer.route},refusing.test=${refusingPeer.route}` },
    });
    alice = (await a.user("alice")).address;
    await a.user("carol");
  });
  afterAll(async () => {
    await a?.cleanup();
    await Promise.all([plainPeer, dsnPeer, refusingPeer].map((peer) => peer?.close()));
  });

  /** Submits as alice with the DSN options given; the Message-ID submission gave the message. */
  const send = async (to: string, subject: string, dsn: Record<string, unknown>) => {
    const messageId = `<${subject.replace(/\W/g, "")}.${Date.now()}@a.test>`;
    await submit(a.submissionPort, alice, { from: alice, to: [to] }, plainMessage(subject, alice, to).replace("MIME-Version", `Message-ID: ${messageId}\r\nMIME-Version`), { dsn });
    return messageId;
  };
  const reports = async (since: number): Promise<StoredMessage[]> => (await a.messages(alice)).slice(since).filter((m) => m.raw.toString().includes("multipart/report"));
  const queueEmpty = () => waitFor(async () => (await a.server.queue.store.list()).length === 0, 10_000, "the queue to empty");

  it("reports a local delivery as delivered, with ENVID, ORCPT and the original's Message-ID", async () => {
    const before = (await a.messages(alice)).length;
    const messageId = await send("carol@a.test", "local success", { id: "env-local-1", return: "headers", notify: ["success", "failure"], recipient: "carol@a.test" });
    expect(await a.messages("carol@a.test")).toHaveLength(1);
    const [report] = await waitFor(async () => ((await reports(before)).length ? reports(before) : undefined), 5000, "the success report");
    const raw = report.raw.toString();
    expect(raw).toMatch(/^Return-Path: <>\r\n/);
    expect(headerOf(report.raw, "subject")).toBe("Successful Mail Delivery Report");
    expect(raw).toContain("Original-Envelope-Id: env-local-1");
    expect(raw).toContain("Final-Recipient: rfc822; carol@a.test");
    expect(raw).toContain("Original-Recipient: rfc822; carol@a.test");
    expect(raw).toContain("Action: delivered");
    expect(raw).toContain("Status: 2.0.0");
    expect(raw).toContain("Content-Type: text/rfc822-headers");
    expect(raw).toContain(`Message-ID: ${messageId}`);
    expect(raw).not.toContain("Hello from");
  });

  it("reports nothing for a local delivery without NOTIFY=SUCCESS", async () => {
    const before = (await a.messages(alice)).length;
    await send("carol@a.test", "local quiet", { notify: ["failure"], recipient: "carol@a.test" });
    await waitFor(async () => (await a.messages("carol@a.test")).some((m) => m.raw.toString().includes("Subject: local quiet")), 5000, "the delivery");
    expect(await reports(before)).toHaveLength(0);
  });

  it("reports relayed when the next server offers no DSN, and passes nothing DSN-ish to it", async () => {
    const before = (await a.messages(alice)).length;
    const messageId = await send("someone@plain.test", "to plain", { id: "env-plain", return: "headers", notify: ["success"], recipient: "someone@plain.test" });
    const [report] = await waitFor(async () => ((await reports(before)).length ? reports(before) : undefined), 10_000, "the relayed report");
    const raw = report.raw.toString();
    expect(raw).toContain("Action: relayed");
    expect(raw).toContain(`Remote-MTA: dns; ${plainPeer.route}`);
    expect(raw).toContain("Original-Envelope-Id: env-plain");
    expect(raw).toContain(`Message-ID: ${messageId}`);
    expect(headerOf(report.raw, "subject")).toBe("Mail Delivery Report (relayed)");
    const envelope = plainPeer.commands().filter((line) => /^(MAIL|RCPT)/i.test(line));
    expect(envelope.some((line) => /NOTIFY=|ENVID=|ORCPT=|RET=/i.test(line))).toBe(false);
  });

  it("hands NOTIFY, ENVID, ORCPT and RET to a server with DSN and reports nothing itself", async () => {
    const before = (await a.messages(alice)).length;
    await send("someone@dsn.test", "to dsn", { id: "env-dsn", return: "headers", notify: ["success", "failure"], recipient: "someone@dsn.test" });
    await waitFor(() => dsnPeer.sessions.some((s) => s.messages.some((m) => m.includes("Subject: to dsn"))), 10_000, "delivery to the DSN peer");
    await queueEmpty();
    const commands = dsnPeer.commands();
    expect(commands.find((line) => /^MAIL FROM:/i.test(line))).toMatch(/RET=HDRS/);
    expect(commands.find((line) => /^MAIL FROM:/i.test(line))).toMatch(/ENVID=env-dsn/);
    expect(commands.find((line) => /^RCPT TO:<someone@dsn\.test>/i.test(line))).toMatch(/NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;someone@dsn\.test/i);
    expect(await reports(before)).toHaveLength(0);
  });

  it("bounces a 550 with the remote's answer unless NOTIFY=NEVER", async () => {
    const before = (await a.messages(alice)).length;
    await send("nobody@refusing.test", "never tell", { notify: ["never"], recipient: "nobody@refusing.test" });
    await waitFor(() => a.logs.some((line) => /<nobody@refusing\.test> failed/.test(line)), 10_000, "the refusal");
    await queueEmpty();
    expect(await reports(before)).toHaveLength(0);

    const messageId = await send("nobody@refusing.test", "do tell", { id: "env-bounce", return: "full", notify: ["failure"], recipient: "nobody@refusing.test" });
    const [bounce] = await waitFor(async () => ((await reports(before)).length ? reports(before) : undefined), 10_000, "the bounce");
    const raw = bounce.raw.toString();
    expect(headerOf(bounce.raw, "subject")).toBe("Undelivered Mail Returned to Sender");
    expect(raw).toContain("Action: failed");
    expect(raw).toContain("Status: 5.1.1");
    expect(raw).toContain("Diagnostic-Code: smtp; 550 5.1.1 <nobody@refusing.test>: Recipient address rejected");
    expect(raw).toContain(`Remote-MTA: dns; ${refusingPeer.route}`);
    expect(raw).toContain("Original-Envelope-Id: env-bounce");
    expect(raw).toContain("Content-Type: message/rfc822");
    expect(raw).toContain(`Message-ID: ${messageId}`);
  });
});
