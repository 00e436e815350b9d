// Routing by DNS, as on the Internet: a DNS server on loopback (dns2, tests/helpers/outbound.ts)
// serves MX, A and AAAA records for the test domains, a.test resolves through it
// (DNS_SERVERS) with no OUTBOUND_ROUTES, and the MX hosts are loopback addresses
// 127.0.25.x. MX records carry no port, so delivery goes to port 25: b.test's server binds
// 127.0.25.2:25 and a fake peer 127.0.25.3:25, which needs root (as the private Postfix
// tests do); without it the file is skipped with the reason.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueue, startDnsServer, startDomainServer, startFakePeer, waitForLog, waitForReport, type DomainServer, type FakeDns, type FakePeer } from "../helpers/outbound";
import { waitFor } from "../helpers/smtp";

const DEAD_MX = "127.0.25.1";
const B_MX = "127.0.25.2";
const SPARE_MX = "127.0.25.3";
const REFUSING_MX = "127.0.25.4";

/** Why port 25 on loopback is out of reach, or null when the test can bind it. */
async function port25Problem(): Promise<string | null> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once("error", (error: NodeJS.ErrnoException) => resolve(`cannot bind ${B_MX}:25 (${error.code}): MX delivery goes to port 25, run as root with port 25 free`));
    server.listen(25, B_MX, () => server.close(() => resolve(null)));
  });
}
const problem = await port25Problem();
if (problem) console.warn(`[mx-routing] skipped: ${problem}`);

const message = (subject: string) => Buffer.from(`From: alice@a.test\r\nTo: someone@remote.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@a.test>\r\n\r\nHello.\r\n`);

describe.skipIf(problem !== null)("MX routing through DNS", () => {
  let dns: FakeDns;
  let a: DomainServer;
  let b: DomainServer;
  let spare: FakePeer;
  let refusing: FakePeer;

  beforeAll(async () => {
    dns = await startDnsServer({
      // Listed out of order: the preference decides, not the answer's order.
      "b.test": {
        mx: [
          { preference: 30, exchange: "mx3.b.test" },
          { preference: 10, exchange: "mx1.b.test" },
          { preference: 20, exchange: "mx2.b.test" },
        ],
      },
      "mx1.b.test": { a: [DEAD_MX] },
      "mx2.b.test": { a: [B_MX] },
      "mx3.b.test": { a: [SPARE_MX] },
      // No MX: the domain's own addresses, IPv6 first (nothing listens on [::1]:25).
      "plain.test": { a: [B_MX], aaaa: ["::1"] },
      "nullmx.test": { mx: [{ preference: 0, exchange: "." }] },
      "flaky.test": { mx: [{ preference: 10, exchange: "mx2.b.test" }] },
      "slow.test": { mx: [{ preference: 10, exchange: "mx2.b.test" }] },
      "refuser.test": {
        mx: [
          { preference: 10, exchange: "mx.refuser.test" },
          { preference: 20, exchange: "mx2.b.test" },
        ],
      },
      "mx.refuser.test": { a: [REFUSING_MX] },
    });
    dns.failing.set("flaky.test", "servfail");
    dns.failing.set("slow.test", "silent");
    spare = await startFakePeer({}, { host: SPARE_MX, port: 25 });
    refusing = await startFakePeer({ greeting: () => "554 5.7.1 not here" }, { host: REFUSING_MX, port: 25 });
    const dnsEnv = { DNS_SERVERS: dns.address };
    b = await startDomainServer("b.test", { env: { ...dnsEnv, MAIL_DOMAINS: "b.test,plain.test,flaky.test,slow.test,refuser.test", BIND_ADDRESS: B_MX, SMTP_PORT: "25" } });
    for (const address of ["bob@b.test", "carol@plain.test", "dan@flaky.test", "erin@slow.test", "fay@refuser.test"]) {
      await b.store.accounts.addAccount({ address, password: "irrelevant password" });
    }
    a = await startDomainServer("a.test", { env: dnsEnv, dnsTimeoutMs: 300 });
    await a.user("alice");
  });
  afterAll(async () => {
    await a?.cleanup();
    await b?.cleanup();
    await spare?.close();
    await refusing?.close();
    await dns?.close();
  });

  const inbox = (address: string, subject: string) =>
    waitFor(async () => (await b.messages(address)).find((m) => m.raw.toString().includes(`Subject: ${subject}`)), 15_000, `${subject} in ${address}'s INBOX`);

  it("tries the MX hosts lowest preference first: the first refuses the connection, the second takes the mail, the third is never contacted", async () => {
    await enqueue(a, "alice@a.test", ["bob@b.test"], message("preference"));
    await inbox("bob@b.test", "preference");
    await waitForLog(a, new RegExp(`<bob@b\\.test> delivered via ${B_MX.replace(/\./g, "\\.")}: 250 `));
    const addressLookups = dns.queries.filter((q) => /^A mx\d\.b\.test$/.test(q));
    expect(addressLookups).toEqual(["A mx1.b.test", "A mx2.b.test", "A mx3.b.test"]);
    expect(spare.sessions).toEqual([]);
  });

  it("goes on to the next MX when the first greets with 554", async () => {
    await enqueue(a, "alice@a.test", ["fay@refuser.test"], message("refused-first"));
    await inbox("fay@refuser.test", "refused-first");
    expect(refusing.sessions.length).toBeGreaterThan(0);
    expect(refusing.commands()).toEqual(refusing.sessions.map(() => "QUIT"));
  });

  it("without MX records delivers to the domain's own address (A after a refused AAAA)", async () => {
    await enqueue(a, "alice@a.test", ["carol@plain.test"], message("fallback"));
    await inbox("carol@plain.test", "fallback");
    expect(dns.queries).toContain("MX plain.test");
    expect(dns.queries).toContain("AAAA plain.test");
    expect(dns.queries).toContain("A plain.test");
  });

  it("bounces at once for a null MX (RFC 7505) with 5.1.10", async () => {
    await enqueue(a, "alice@a.test", ["someone@nullmx.test"], message("nullmx"));
    const report = await waitForReport(a, "alice@a.test", "someone@nullmx.test");
    expect(report).toContain("Status: 5.1.10");
    expect(report).toMatch(/null MX/);
    expect(a.logs.filter((l) => l.includes("<someone@nullmx.test> queued"))).toEqual([]);
  });

  it("bounces at once for a domain that does not exist (NXDOMAIN) with 5.1.2", async () => {
    await enqueue(a, "alice@a.test", ["someone@nowhere.test"], message("nxdomain"));
    const report = await waitForReport(a, "alice@a.test", "someone@nowhere.test");
    expect(report).toContain("Status: 5.1.2");
    expect(a.logs.filter((l) => l.includes("<someone@nowhere.test> queued"))).toEqual([]);
  });

  it("defers while the DNS answers SERVFAIL, and delivers once it answers", async () => {
    await enqueue(a, "alice@a.test", ["dan@flaky.test"], message("servfail"));
    await waitForLog(a, /<dan@flaky\.test> queued: 451 4\.4\.3 DNS lookup of flaky\.test MX failed: ESERVFAIL/);
    dns.failing.delete("flaky.test");
    await inbox("dan@flaky.test", "servfail");
  });

  it("defers while the DNS does not answer at all (timeout), and delivers once it answers", async () => {
    await enqueue(a, "alice@a.test", ["erin@slow.test"], message("dns-timeout"));
    await waitForLog(a, /<erin@slow\.test> queued: 451 4\.4\.3 DNS lookup of slow\.test MX failed: ETIMEOUT/);
    dns.failing.delete("slow.test");
    await inbox("erin@slow.test", "dns-timeout");
  });

  it("ends with an empty queue", async () => {
    await waitFor(async () => (await a.server.queue.store.list()).length === 0, 10_000, "the queue to empty");
  });
});
