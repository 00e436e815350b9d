// The administration routes of the management API over real HTTP, on a running mail server: who may
// call them, what they change, and that refusals come in words (the last administrator stays).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailServer, type RunningMailServer } from "@/lib/mail-server";
import { SmtpClient } from "../helpers/smtp";
import { testConfig } from "../helpers/store";

const ADMIN = { address: "boss@example.test", password: "another long passphrase" };
const USER = { address: "user@example.test", password: "a long enough passphrase" };

let server: RunningMailServer;
let drop: () => Promise<void>;

async function api(method: string, path: string, body?: unknown, as = ADMIN): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${server.port("admin")}${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${as.address}:${as.password}`).toString("base64")}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  // Mail for far.test goes to a closed port: it waits in the queue (temporary failure), never bounces on its own.
  const test = await testConfig("sqlite", { MAIL_DOMAINS: "example.test", OUTBOUND_ROUTES: "far.test=127.0.0.1:1" });
  drop = test.drop;
  server = await startMailServer(test.config, { anyFreePort: true, log: () => undefined });
  await server.store.accounts.addAccount({ ...ADMIN, isAdmin: true });
  await server.store.accounts.addAccount(USER);
});

afterAll(async () => {
  await server?.stop();
  await drop?.();
});

describe("administration API", () => {
  it("answers administrators only", async () => {
    expect((await api("GET", "/api/v1/accounts", undefined, USER)).status).toBe(403);
    expect((await api("GET", "/api/v1/status", undefined, { ...ADMIN, password: "wrong" })).status).toBe(401);
  });

  it("adds a domain with its DNS records, an account in it, and deletes the domain only once it is empty", async () => {
    const added = await api("POST", "/api/v1/domains", { name: "New.Test" });
    expect(added.status).toBe(201);
    expect(added.body.name).toBe("new.test");
    expect((added.body.records as string[]).map((r) => r.split("\t")[2])).toEqual(["MX", "TXT", "TXT", "TXT"]);
    expect((await api("POST", "/api/v1/domains", { name: "new.test" })).body.error).toBe("Domain new.test already exists.");
    expect((await api("POST", "/api/v1/domains", { name: "not a domain!" })).status).toBe(400);

    const account = await api("POST", "/api/v1/accounts", { address: "ann@new.test", password: "ann's long passphrase", quota: "2G" });
    expect(account.status).toBe(201);
    expect((await api("POST", "/api/v1/accounts", { address: "weak@new.test", password: "weak" })).status).toBe(400);
    expect((await api("POST", "/api/v1/accounts", { address: "q@new.test", password: "a long passphrase", quota: "lots" })).body.error).toMatch(/not a quota/);
    const refused = await api("DELETE", "/api/v1/domains/new.test");
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe("New.test still has 1 account: delete it first.");
    expect((await api("DELETE", "/api/v1/accounts/ann%40new.test")).status).toBe(200);
    expect((await api("DELETE", "/api/v1/domains/new.test")).status).toBe(200);
    const { body } = await api("GET", "/api/v1/domains");
    expect(body.domains).toEqual([{ name: "example.test", accounts: 2, aliases: 0, configured: true }]);
  });

  it("changes quota, admin and disabled; never loses the last enabled administrator", async () => {
    const path = `/api/v1/accounts/${encodeURIComponent(USER.address)}`;
    expect((await api("PATCH", path, { quota: "10M", isAdmin: true })).status).toBe(200);
    let listed = ((await api("GET", "/api/v1/accounts")).body.accounts as { address: string; quotaBytes: string; isAdmin: boolean; disabled: boolean }[]).find((a) => a.address === USER.address);
    expect(listed).toMatchObject({ quotaBytes: String(10 * 1024 ** 2), isAdmin: true, disabled: false });
    expect((await api("PATCH", path, { isAdmin: false })).status).toBe(200);
    // A weak password or a quota that is no size refuses the whole change: nothing else in it is made.
    for (const change of [{ quota: "20M", isAdmin: true, password: "short" }, { quota: "lots", isAdmin: true }]) {
      expect((await api("PATCH", path, change)).status).toBe(400);
      listed = ((await api("GET", "/api/v1/accounts")).body.accounts as (typeof listed)[]).find((a) => a?.address === USER.address);
      expect(listed).toMatchObject({ quotaBytes: String(10 * 1024 ** 2), isAdmin: false });
    }
    for (const change of [{ isAdmin: false }, { disabled: true }]) {
      const refused = await api("PATCH", `/api/v1/accounts/${encodeURIComponent(ADMIN.address)}`, change);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatch(/^Boss@example\.test is the last administrator/);
    }
    expect((await api("DELETE", `/api/v1/accounts/${encodeURIComponent(ADMIN.address)}`)).status).toBe(409);
    expect((await api("PATCH", path, {})).status).toBe(400);
    expect((await api("PATCH", path, { disabled: "yes" })).body.error).toBe("Disabled must be true or false.");
    expect((await api("PATCH", "/api/v1/accounts/nobody%40example.test", { disabled: true })).status).toBe(404);
    listed = ((await api("GET", "/api/v1/accounts")).body.accounts as typeof listed[]).find((a) => a?.address === ADMIN.address);
    expect(listed).toMatchObject({ isAdmin: true, disabled: false });
  });

  it("adds, lists and deletes aliases and a catch-all", async () => {
    expect((await api("POST", "/api/v1/aliases", { alias: "team@example.test", target: USER.address })).status).toBe(201);
    expect((await api("POST", "/api/v1/aliases", { alias: "@example.test", target: ADMIN.address })).status).toBe(201);
    expect((await api("POST", "/api/v1/aliases", { alias: "x@elsewhere.test", target: USER.address })).status).toBe(404);
    expect((await api("GET", "/api/v1/aliases")).body.aliases).toEqual([
      { alias: "@example.test", target: ADMIN.address, catchAll: true },
      { alias: "team@example.test", target: USER.address, catchAll: false },
    ]);
    expect((await api("DELETE", "/api/v1/aliases?alias=%40example.test")).status).toBe(200);
    expect((await api("DELETE", "/api/v1/aliases?alias=%40example.test")).status).toBe(404);
  });

  it("lists, retries and deletes queued messages; status counts messages in and out this hour", async () => {
    const client = await SmtpClient.open(server.port("submission"));
    await client.command("EHLO client.example.test");
    expect((await client.command(`AUTH PLAIN ${Buffer.from(`\0${USER.address}\0${USER.password}`).toString("base64")}`)).code).toBe(235);
    await client.command(`MAIL FROM:<${USER.address}>`);
    await client.command("RCPT TO:<far@far.test>");
    await client.command(`RCPT TO:<${ADMIN.address}>`);
    await client.command("DATA");
    expect((await client.command(`From: ${USER.address}\r\nTo: far@far.test\r\nSubject: out\r\n\r\nhello\r\n.`)).code).toBe(250);
    client.destroy();

    const queued = (await api("GET", "/api/v1/queue")).body.messages as { id: number; sender: string; recipients: { address: string }[] }[];
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ sender: USER.address, recipients: [{ address: "far@far.test" }] });
    expect((await api("POST", `/api/v1/queue/${queued[0].id}/retry`)).status).toBe(200);
    expect((await api("POST", "/api/v1/queue/x1/retry")).status).toBe(400);
    expect((await api("DELETE", `/api/v1/queue/${queued[0].id}`)).status).toBe(200);
    expect((await api("GET", "/api/v1/queue")).body.messages).toEqual([]);

    const status = (await api("GET", "/api/v1/status")).body as { listeners: { name: string; port: number }[]; today: { in: number; out: number }; hours: { in: number; out: number }[]; queue: { messages: number }; disk: { usedBytes: string }; quota: { accounts: number } };
    expect(status.listeners.map((l) => l.name)).toEqual(expect.arrayContaining(["smtp", "submission", "imap", "pop3", "admin"]));
    expect(status.listeners.find((l) => l.name === "imap")?.port).toBe(server.port("imap"));
    // In: the message received for the administrator (the server's own bounce to the sender is not
    // mail received); out: the one accepted for the remote recipient.
    expect(status.today).toEqual({ in: 1, out: 1 });
    expect(status.hours).toHaveLength(24);
    expect(status.hours.at(-1)).toEqual(expect.objectContaining({ in: 1, out: 1 }));
    expect(status.queue.messages).toBe(0);
    expect(Number(status.disk.usedBytes)).toBeGreaterThan(0);
    expect(status.quota.accounts).toBe(2);
  });
});
