// DNS health over the management API, against a real DNS server on loopback (DNS_SERVERS): a domain
// whose records are all published as expected shows every mark green; one with wrong, missing or
// unanswered records shows each red with the reason, and always the exact record to publish.
import type { AddressInfo } from "node:net";
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminServer } from "@/lib/mail-server/admin/http";
import { expectedRecords } from "@/lib/mail-server/dns-health/records";
import { startDnsServer, type DnsRecords, type FakeDns } from "../helpers/outbound";
import { openTestStore, type TestStore } from "../helpers/store";

const ADMIN = { address: "boss@good.test", password: "correct horse battery staple" };
const USER = { address: "user@good.test", password: "another long passphrase 42" };
const HOST = "mx.good.test";

interface Checked {
  kind: string;
  name: string;
  type: string;
  value: string;
  zone: string;
  status: string;
  found: string[];
  reason: string | null;
}

function basic(account: { address: string; password: string }): string {
  return `Basic ${Buffer.from(`${account.address}:${account.password}`).toString("base64")}`;
}

/** The zone entries that publish `records` exactly as expected. */
function publish(zone: Map<string, DnsRecords>, records: { name: string; type: string; value: string }[]) {
  for (const record of records) {
    const entry = zone.get(record.name) ?? {};
    if (record.type === "MX") (entry.mx ??= []).push({ preference: 10, exchange: record.value.split(" ")[1].replace(/\.$/, "") });
    // Split as a zone file would: DKIM keys are longer than one 255-byte string.
    if (record.type === "TXT") (entry.txt ??= []).push(record.value.match(/.{1,200}/g)!);
    if (record.type === "CNAME") (entry.cname ??= []).push(record.value.replace(/\.$/, ""));
    if (record.type === "SRV") {
      const [priority, weight, port, target] = record.value.split(" ");
      (entry.srv ??= []).push({ priority: Number(priority), weight: Number(weight), port: Number(port), target: target.replace(/\.$/, "") });
    }
    zone.set(record.name, entry);
  }
}

describe("DNS health", () => {
  let test: TestStore;
  let dns: FakeDns;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    dns = await startDnsServer();
    test = await openTestStore("sqlite", {
      MAIL_DOMAINS: "good.test,bad.test",
      MAIL_HOSTNAME: HOST,
      DNS_SERVERS: dns.address,
      IMAP_PORT: "0",
      POP3_PORT: "1110",
      POP3S_PORT: "0",
    });
    await test.store.accounts.addAccount({ ...ADMIN, isAdmin: true });
    await test.store.accounts.addAccount({ ...USER });
    server = await startAdminServer(test.config, test.store, 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    publish(dns.zone, await expectedRecords(test.store, test.config, "good.test"));
    // bad.test: the MX names another host, two SPF records, another DKIM key, an old MTA-STS id,
    // IMAPS on another port, autoconfig elsewhere, no DMARC, and the autodiscover name never answered.
    const bad = await expectedRecords(test.store, test.config, "bad.test");
    const wrong = bad
      .filter((record) => record.kind !== "dmarc")
      .map((record) => {
        switch (record.kind) {
          case "mx":
            return { ...record, value: "10 mail.elsewhere.test." };
          case "dkim":
            return { ...record, value: "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAother" };
          case "mta-sts":
            return { ...record, value: "v=STSv1; id=20200101" };
          case "autoconfig":
            return { ...record, value: "web.elsewhere.test." };
          default:
            return record.name.startsWith("_imaps.") ? { ...record, value: record.value.replace(" 1993 ", " 993 ") } : record;
        }
      });
    wrong.push({ kind: "spf", name: "bad.test", type: "TXT", value: "v=spf1 include:elsewhere.test -all" });
    publish(dns.zone, wrong);
    dns.failing.set("autodiscover.bad.test", "silent");
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await test?.cleanup();
    await dns?.close();
  });

  async function health(): Promise<{ domains: { domain: string; records: Checked[] }[] }> {
    const response = await fetch(`${base}/api/v1/dns`, { headers: { authorization: basic(ADMIN) } });
    expect(response.status).toBe(200);
    return response.json();
  }

  it("is for administrators only", async () => {
    expect((await fetch(`${base}/api/v1/dns`)).status).toBe(401);
    expect((await fetch(`${base}/api/v1/dns`, { headers: { authorization: basic(USER) } })).status).toBe(403);
    const unknown = await fetch(`${base}/api/v1/dns?domain=nowhere.test`, { headers: { authorization: basic(ADMIN) } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "nowhere.test is not a local domain." });
  });

  it("marks every record green when DNS holds what it should, and red with the reason when not", async () => {
    const started = Date.now();
    const { domains } = await health();
    // One name never answers: the check waits for its timeout, not longer.
    expect(Date.now() - started).toBeLessThan(4500);
    expect(domains.map((d) => d.domain).sort()).toEqual(["bad.test", "good.test"]);

    const good = domains.find((d) => d.domain === "good.test")!.records;
    expect(good.map((r) => `${r.kind} ${r.name}`)).toEqual([
      "mx good.test",
      "spf good.test",
      expect.stringMatching(/^dkim mail\d{6}\._domainkey\.good\.test$/),
      "dmarc _dmarc.good.test",
      "mta-sts _mta-sts.good.test",
      "mta-sts-host mta-sts.good.test",
      "autoconfig autoconfig.good.test",
      "autodiscover autodiscover.good.test",
      // Only the listeners that are on: IMAP_PORT and POP3S_PORT are 0 here.
      "srv _imaps._tcp.good.test",
      "srv _pop3._tcp.good.test",
      "srv _submissions._tcp.good.test",
      "srv _submission._tcp.good.test",
    ]);
    for (const record of good) expect({ name: record.name, status: record.status, reason: record.reason }).toEqual({ name: record.name, status: "ok", reason: null });
    expect(good.find((r) => r.kind === "mx")!.found).toEqual([`10 ${HOST}.`]);

    const bad = Object.fromEntries(domains.find((d) => d.domain === "bad.test")!.records.map((r) => [r.name === "bad.test" ? r.kind : r.name.replace(/\.bad\.test$/, ""), r]));
    const verdict = (key: string) => [bad[key].status, bad[key].reason];
    expect(verdict("mx")).toEqual(["wrong", "mx-not-us"]);
    expect(bad.mx.found).toEqual(["10 mail.elsewhere.test."]);
    expect(verdict("spf")).toEqual(["wrong", "spf-multiple"]);
    expect(verdict(Object.keys(bad).find((k) => k.endsWith("._domainkey"))!)).toEqual(["wrong", "dkim-other-key"]);
    expect(verdict("_dmarc")).toEqual(["missing", null]);
    expect(verdict("_mta-sts")).toEqual(["wrong", "mta-sts-old-id"]);
    expect(verdict("mta-sts")).toEqual(["ok", null]);
    expect(verdict("autoconfig")).toEqual(["wrong", "points-elsewhere"]);
    expect(verdict("autodiscover")).toEqual(["error", "timeout"]);
    expect(verdict("_imaps._tcp")).toEqual(["wrong", "srv-other-target"]);
    expect(verdict("_submission._tcp")).toEqual(["ok", null]);

    // The fix is the exact record to publish, in zone-file form.
    expect(bad._dmarc.zone).toBe('_dmarc.bad.test.\tIN\tTXT\t"v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:postmaster@bad.test"');
    expect(bad["_imaps._tcp"].zone).toBe(`_imaps._tcp.bad.test.\tIN\tSRV\t0 1 1993 ${HOST}.`);
    expect(bad.mx.zone).toBe(`bad.test.\tIN\tMX\t10 ${HOST}.`);
  });

  it("accepts an address record in place of a CNAME when it is the mail host's own address", async () => {
    dns.zone.set(HOST, { a: ["192.0.2.10"] });
    dns.zone.set("mta-sts.bad.test", { a: ["192.0.2.10"] });
    dns.zone.set("autoconfig.bad.test", { a: ["198.51.100.7"] });
    const response = await fetch(`${base}/api/v1/dns?domain=bad.test`, { headers: { authorization: basic(ADMIN) } });
    const { domains } = (await response.json()) as { domains: { records: Checked[] }[] };
    const byName = (name: string) => domains[0].records.find((r) => r.name === name)!;
    expect([byName("mta-sts.bad.test").status, byName("mta-sts.bad.test").found]).toEqual(["ok", ["192.0.2.10"]]);
    expect([byName("autoconfig.bad.test").status, byName("autoconfig.bad.test").reason]).toEqual(["wrong", "points-elsewhere"]);
  });
});
