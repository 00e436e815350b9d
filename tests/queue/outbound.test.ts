// Submission and the outbound queue between two of our servers on loopback, a.test and
// b.test, joined by OUTBOUND_ROUTES: nodemailer submits to a.test with AUTH; mail for b.test
// goes through a.test's queue to b.test's MX port; refusals, retries and delivery reports
// are checked in the accounts' INBOXes. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simpleParser } from "mailparser";
import { dkimVerify } from "mailauth";
import { nodemailerTransport, waitFor, headerOf, splitTrace } from "../helpers/smtp";
import { PASSWORD, startDomainServer, type DomainServer } from "../helpers/outbound";
import { PROVIDERS } from "../helpers/store";
import { freePort } from "../support/postfix";

const text = (subject: string, from: string, to: string, extra = "") =>
  `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\n${extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello from ${from}.\r\n`;

describe.each(PROVIDERS)("outbound queue on %s", (provider) => {
  let a: DomainServer;
  let b: DomainServer;
  let alice: { address: string; id: number };
  let deadPort: number;

  beforeAll(async () => {
    deadPort = await freePort();
    // b.test reports deliveries asked for with NOTIFY=SUCCESS back to a.test itself.
    const aPort = await freePort();
    b = await startDomainServer("b.test", { provider, env: { OUTBOUND_ROUTES: `a.test=127.0.0.1:${aPort}` } });
    // dead.test routes to a port where nothing listens: every attempt is a refused connection.
    a = await startDomainServer("a.test", { provider, env: { SMTP_PORT: String(aPort), OUTBOUND_ROUTES: `b.test=127.0.0.1:${b.smtpPort},dead.test=127.0.0.1:${deadPort}`, QUEUE_LIFETIME: "3s", QUEUE_DELAY_NOTICE: "1s" } });
    alice = await a.user("alice");
    await a.user("carol");
    await b.user("bob");
    await b.user("dave");
  });
  afterAll(async () => {
    await a?.cleanup();
    await b?.cleanup();
  });

  const submit = async (envelope: { from: string; to: string[] }, raw: string, options: Record<string, unknown> = {}) => {
    const transport = nodemailerTransport(a.submissionPort, { auth: { user: alice.address, pass: PASSWORD }, ...options });
    try {
      return await transport.sendMail({ envelope, raw, ...options });
    } finally {
      transport.close();
    }
  };

  it("delivers submitted mail to the local recipient at once and to the remote one through the queue, with Message-ID and Date added", async () => {
    const info = await submit({ from: alice.address, to: ["bob@b.test", "carol@a.test"] }, text("first", alice.address, "bob@b.test, carol@a.test"));
    expect(info.response).toMatch(/^250 /);
    const [local] = await a.messages("carol@a.test");
    expect(local.raw.toString()).toContain("Subject: first");
    const [remote] = await waitFor(async () => {
      const list = await b.messages("bob@b.test");
      return list.length ? list : undefined;
    }, 10_000, "delivery to b.test");
    const raw = remote.raw.toString();
    expect(raw).toMatch(/^Return-Path: <alice@a\.test>\r\n/);
    expect(headerOf(remote.raw, "message-id")).toMatch(/^<.+@mx\.a\.test>$/);
    expect(headerOf(remote.raw, "date")).toBeTruthy();
    // Two hops: a.test's submission, then b.test's MX.
    expect(raw.match(/^Received: /gm)).toHaveLength(2);
    expect(headerOf(local.raw, "message-id")).toBe(headerOf(remote.raw, "message-id"));
    // Signed with a.test's key, which verifies against the record mailctl tells the operator to publish.
    const record = (await a.store.domainKeys.dnsRecords("a.test", "mx.a.test")).find((line) => line.includes("._domainkey."))!;
    const [name, , , value] = record.split("\t");
    const published = [...value.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join("");
    const resolver = async (domain: string, type: string) => {
      if (type === "TXT" && `${domain}.` === name) return [[published]];
      throw Object.assign(new Error(`no ${type} for ${domain}`), { code: "ENOTFOUND" });
    };
    const verified = await dkimVerify(remote.raw, { resolver });
    expect(verified.results.map((r) => [r.signingDomain, r.status.result])).toEqual([["a.test", "pass"]]);
    // b.test checked it on arrival and said so in its own Authentication-Results.
    expect(splitTrace(remote.raw).authentication.join("\n")).toMatch(/^Authentication-Results: mx\.b\.test;/m);
    await waitFor(async () => (await a.server.queue.store.list()).length === 0, 5000, "the queue to empty");
  });

  it("refuses unauthenticated submission, a sender that is not the user's, a forged From, and relaying through the MX port", async () => {
    const anonymous = nodemailerTransport(a.submissionPort);
    await expect(anonymous.sendMail({ envelope: { from: alice.address, to: ["bob@b.test"] }, raw: text("x", alice.address, "bob@b.test") })).rejects.toMatchObject({ responseCode: 530 });
    anonymous.close();
    await expect(submit({ from: "carol@a.test", to: ["bob@b.test"] }, text("x", "carol@a.test", "bob@b.test"))).rejects.toMatchObject({ responseCode: 553 });
    await expect(submit({ from: alice.address, to: ["bob@b.test"] }, text("x", "ceo@a.test", "bob@b.test"))).rejects.toMatchObject({ responseCode: 553 });
    const mx = nodemailerTransport(a.smtpPort);
    await expect(mx.sendMail({ envelope: { from: "someone@elsewhere.test", to: ["bob@b.test"] }, raw: text("x", "someone@elsewhere.test", "bob@b.test") })).rejects.toMatchObject({ responseCode: 554 });
    mx.close();
  });

  it("delivers to one recipient, bounces the other with an RFC 3464 report naming the remote's answer", async () => {
    await submit({ from: alice.address, to: ["dave@b.test", "nobody@b.test"] }, text("half", alice.address, "dave@b.test, nobody@b.test"));
    await waitFor(async () => (await b.messages("dave@b.test")).length === 1, 10_000, "delivery to dave");
    const bounce = await waitFor(async () => (await a.messages(alice.address)).find((m) => m.raw.toString().includes("multipart/report")), 10_000, "the bounce");
    const parsed = await simpleParser(bounce.raw);
    expect(parsed.from?.value[0].address).toBe("MAILER-DAEMON@mx.a.test");
    expect(bounce.raw.toString()).toMatch(/^Return-Path: <>\r\n/);
    expect(headerOf(bounce.raw, "content-type")).toMatch(/multipart\/report; report-type=delivery-status/);
    const raw = bounce.raw.toString();
    expect(raw).toContain("Final-Recipient: rfc822; nobody@b.test");
    expect(raw).toContain("Action: failed");
    expect(raw).toContain("Status: 5.1.1");
    expect(raw).toMatch(/Diagnostic-Code: smtp; 550 5\.1\.1 .*no such user/);
    expect(raw).toContain("Remote-MTA: dns; 127.0.0.1:");
    expect(raw).not.toContain("Final-Recipient: rfc822; dave@b.test");
    // The original comes back in full by default.
    expect(raw).toContain("Content-Type: message/rfc822");
    expect(raw).toContain("Subject: half");
  });

  it("passes NOTIFY=SUCCESS, ENVID and ORCPT on to a DSN server, whose success report comes back (none from a.test)", async () => {
    const before = (await a.messages(alice.address)).length;
    await submit({ from: alice.address, to: ["bob@b.test"] }, text("notify", alice.address, "bob@b.test"), {
      dsn: { id: "envelope-42", return: "headers", notify: ["success"], recipient: "bob@b.test" },
    });
    const report = await waitFor(async () => (await a.messages(alice.address)).slice(before).find((m) => m.raw.toString().includes("Action: delivered")), 10_000, "the success report");
    const raw = report.raw.toString();
    expect(raw).toContain("Reporting-MTA: dns; mx.b.test");
    expect(raw).toContain("Original-Envelope-Id: envelope-42");
    expect(raw).toContain("Original-Recipient: rfc822; bob@b.test");
    expect(raw).toContain("Status: 2.0.0");
    // RET=HDRS: the header only.
    expect(raw).toContain("Content-Type: text/rfc822-headers");
    expect(raw).not.toContain("Hello from alice");
    await waitFor(async () => (await a.server.queue.store.list()).length === 0, 5000, "a.test's queue to empty");
    expect((await a.messages(alice.address)).slice(before).filter((m) => m.raw.toString().includes("Action: delivered") || m.raw.toString().includes("Action: relayed"))).toHaveLength(1);
  });

  it("retries a refused connection on the schedule, sends one delay notice, and bounces when the lifetime is over", async () => {
    const before = (await a.messages(alice.address)).length;
    await submit({ from: alice.address, to: ["someone@dead.test"] }, text("doomed", alice.address, "someone@dead.test"));
    const notice = await waitFor(async () => (await a.messages(alice.address)).slice(before).find((m) => m.raw.toString().includes("Action: delayed")), 10_000, "the delay notice");
    expect(notice.raw.toString()).toContain("Final-Recipient: rfc822; someone@dead.test");
    expect(notice.raw.toString()).toMatch(/Will-Retry-Until: \w{3}, /);
    expect(headerOf(notice.raw, "subject")).toBe("Delayed Mail (still being retried)");
    const bounce = await waitFor(async () => (await a.messages(alice.address)).slice(before).find((m) => m.raw.toString().includes("someone@dead.test") && m.raw.toString().includes("Action: failed")), 15_000, "the expiry bounce");
    const raw = bounce.raw.toString();
    expect(raw).toContain("Action: failed");
    expect(raw).toMatch(/Status: 4\.\d\.\d/);
    expect(raw).toMatch(/the queue gave up after \d+ attempts/);
    expect(a.logs.filter((l) => l.includes("<someone@dead.test> queued")).length).toBeGreaterThanOrEqual(2);
    // One delay notice, however many attempts came after it.
    const reports = (await a.messages(alice.address)).slice(before).filter((m) => m.raw.toString().includes("someone@dead.test"));
    expect(reports.filter((m) => m.raw.toString().includes("Action: delayed"))).toHaveLength(1);
  });

  it("defers while b.test is down and delivers once it is back", async () => {
    await b.stop();
    try {
      await submit({ from: alice.address, to: ["bob@b.test"] }, text("later", alice.address, "bob@b.test"));
      await waitFor(() => a.logs.some((l) => /<bob@b\.test> queued: .*(ECONNREFUSED|cannot connect)/.test(l)), 5000, "a deferral");
    } finally {
      await b.start();
    }
    await waitFor(async () => (await b.messages("bob@b.test")).some((m) => m.raw.toString().includes("Subject: later")), 10_000, "delivery after the restart");
  });
});
