// Sign-up and invites over the real management API: modes, invites that expire and work once (also when
// two sign-ups race with one link), open sign-up's per-address limit, and hostile input.
import type { AddressInfo } from "node:net";
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SignupPolicy } from "@/lib/config";
import { startAdminServer } from "@/lib/mail-server/admin/http";
import { Invites } from "@/lib/mail-server/store/invites";
import { openTestStore, PROVIDERS, type TestStore } from "../helpers/store";

const ADMIN = { address: "boss@example.test", password: "correct horse battery staple" };
const USER = { address: "plain@example.test", password: "another long passphrase 42" };
const GOOD_PASSWORD = "a sound passphrase 2026";

function basic(account: { address: string; password: string }): string {
  return `Basic ${Buffer.from(`${account.address}:${account.password}`).toString("base64")}`;
}

describe("sign-up and invites", () => {
  let test: TestStore;
  const servers: http.Server[] = [];
  const base = {} as Record<SignupPolicy, string>;

  async function post(mode: SignupPolicy, path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${base[mode]}${path}`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const signup = (mode: SignupPolicy, fields: Record<string, unknown>) =>
    post(mode, "/api/v1/signup", { domain: "example.test", password: GOOD_PASSWORD, displayName: "New Person", clientAddress: "198.51.100.1", ...fields });

  async function newInvite(): Promise<string> {
    const created = await post("invite", "/api/v1/invites", { note: "for a friend" }, { authorization: basic(ADMIN) });
    expect(created.status).toBe(201);
    return String(created.body.token);
  }

  beforeAll(async () => {
    test = await openTestStore("sqlite");
    await test.store.accounts.addAccount({ ...ADMIN, isAdmin: true });
    await test.store.accounts.addAccount(USER);
    // One store, one server per mode: the mode is the server's configuration.
    for (const mode of ["closed", "invite", "open"] as const) {
      const server = await startAdminServer({ ...test.config, signup: mode }, test.store, 0);
      servers.push(server);
      base[mode] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
  });
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    await test.cleanup();
  });

  it("refuses every sign-up when closed, and offers no domain", async () => {
    expect(await (await fetch(`${base.closed}/api/v1/signup`)).json()).toEqual({ mode: "closed", domains: [] });
    const refused = await signup("closed", { localPart: "someone" });
    expect(refused).toMatchObject({ status: 403, body: { code: "closed" } });
    expect(await test.store.accounts.authenticate("someone@example.test", GOOD_PASSWORD)).toBeNull();
  });

  it("lets only administrators make, list and withdraw invites, and keeps only the token's hash", async () => {
    expect((await post("invite", "/api/v1/invites", {}, { authorization: basic(USER) })).status).toBe(403);
    expect((await post("invite", "/api/v1/invites", {})).status).toBe(401);
    const created = await post("invite", "/api/v1/invites", { days: 2 }, { authorization: basic(ADMIN) });
    expect(created.status).toBe(201);
    expect(String(created.body.token)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Date.parse(String(created.body.expiresAt)) - Date.now()).toBeGreaterThan(47 * 3600_000);
    const rows = await (await test.store.db.prisma()).invite.findMany();
    expect(JSON.stringify(rows)).not.toContain(String(created.body.token));

    const list = await (await fetch(`${base.invite}/api/v1/invites`, { headers: { authorization: basic(ADMIN) } })).json();
    expect(list.invites[0]).toMatchObject({ id: created.body.id, state: "valid", createdBy: ADMIN.address });
    expect(JSON.stringify(list)).not.toContain(String(created.body.token));
    const revoke = await fetch(`${base.invite}/api/v1/invites/${String(created.body.id)}`, { method: "DELETE", headers: { authorization: basic(ADMIN) } });
    expect(revoke.status).toBe(200);
    expect(await signup("invite", { localPart: "late", invite: created.body.token })).toMatchObject({ status: 410, body: { code: "invite-revoked" } });
    expect((await post("invite", "/api/v1/invites", { days: 9999 }, { authorization: basic(ADMIN) })).status).toBe(400);
    expect((await post("invite", "/api/v1/invites", { note: ["x"] }, { authorization: basic(ADMIN) })).status).toBe(400);
  });

  it("creates an account with an invite once, with a welcome message in its INBOX", async () => {
    expect(await signup("invite", { localPart: "nobody" })).toMatchObject({ status: 403, body: { code: "invite-required" } });
    const token = await newInvite();
    expect(await (await fetch(`${base.invite}/api/v1/signup?invite=${token}`)).json()).toEqual({ mode: "invite", domains: ["example.test"], invite: "valid" });

    const created = await signup("invite", { localPart: "Anna.Li", invite: token, language: "zh-CN" });
    expect(created).toEqual({ status: 201, body: { address: "Anna.Li@example.test" } });
    const account = await test.store.accounts.authenticate("anna.li@example.test", GOOD_PASSWORD);
    expect(account).toMatchObject({ isAdmin: false, displayName: "New Person" });
    const [inbox] = (await test.store.mailboxes(account!.id)).filter((m) => m.name === "INBOX");
    const messages = await test.store.listMessages(inbox.id);
    expect(messages).toHaveLength(1);
    const raw = (await test.store.readMessage(messages[0].content.blobHash)).toString("utf8");
    expect(raw).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect(Buffer.from(raw.split("\r\n\r\n")[1], "base64").toString("utf8")).toContain("Anna.Li@example.test 已经可以使用了");

    expect(await signup("invite", { localPart: "second", invite: token })).toMatchObject({ status: 410, body: { code: "invite-used" } });
    expect(await (await fetch(`${base.invite}/api/v1/signup?invite=${token}`)).json()).toMatchObject({ invite: "used" });
  });

  it("lets exactly one of two sign-ups racing with one invite through", async () => {
    const token = await newInvite();
    const results = await Promise.all(["racer1", "racer2", "racer3"].map((localPart) => signup("invite", { localPart, invite: token })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 410, 410]);
  });

  it("refuses an expired or unknown invite, and gives an invite back when its account could not be made", async () => {
    const invites = new Invites(test.store.db, test.store.sql);
    const { token: expired } = await invites.create({ createdBy: ADMIN.address, days: 1, now: new Date(Date.now() - 2 * 86_400_000) });
    expect(await signup("invite", { localPart: "tooLate", invite: expired })).toMatchObject({ status: 410, body: { code: "invite-expired" } });
    expect(await signup("invite", { localPart: "guess", invite: "A".repeat(32) })).toMatchObject({ status: 410, body: { code: "invite-unknown" } });
    expect(await signup("invite", { localPart: "guess", invite: "../../etc/passwd" })).toMatchObject({ status: 410, body: { code: "invite-unknown" } });

    const token = await newInvite();
    expect(await signup("invite", { localPart: "plain", invite: token })).toMatchObject({ status: 409, body: { code: "taken" } });
    expect(await signup("invite", { localPart: "fresh", invite: token, password: "password123" })).toMatchObject({ status: 400, body: { code: "weak-password" } });
    expect(await invites.check(token)).toBe("valid");
  });

  it("limits open sign-up to 3 an hour per client address (IPv6 per /64), not counting refusals", async () => {
    expect(await signup("open", { localPart: "weak1", password: "short", clientAddress: "203.0.113.9" })).toMatchObject({ status: 400, body: { code: "weak-password" } });
    for (const n of [1, 2, 3]) expect((await signup("open", { localPart: `open${n}`, clientAddress: "203.0.113.9" })).status).toBe(201);
    const throttled = await signup("open", { localPart: "open4", clientAddress: "203.0.113.9" });
    expect(throttled).toMatchObject({ status: 429, body: { code: "throttled", retryAfterMinutes: 60 } });
    expect(String(throttled.body.error)).toMatch(/try again in 60 minutes/);
    expect((await signup("open", { localPart: "open5", clientAddress: "203.0.113.10" })).status).toBe(201);

    for (const n of [1, 2, 3]) expect((await signup("open", { localPart: `six${n}`, clientAddress: `2001:db8:1:2::${n}` })).status).toBe(201);
    expect((await signup("open", { localPart: "six4", clientAddress: "2001:db8:1:2:ffff::9" })).status).toBe(429);
    // An invite is not counted against the address, in open mode too.
    expect((await signup("open", { localPart: "invited", clientAddress: "203.0.113.9", invite: await newInvite() })).status).toBe(201);
  });

  it("answers hostile input with words and creates nothing", async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ localPart: "evil\r\nBcc: x" }, 400, "bad-local-part"],
      [{ localPart: "a".repeat(65) }, 400, "bad-local-part"],
      [{ localPart: "dots..twice" }, 400, "bad-local-part"],
      [{ localPart: "björn" }, 400, "bad-local-part"],
      [{ localPart: "Postmaster" }, 400, "reserved"],
      [{ localPart: "someone", domain: "elsewhere.test" }, 400, "bad-domain"],
      [{ localPart: "someone", domain: "localhost" }, 400, "bad-domain"],
      [{ localPart: "someone", displayName: "Eve\nBcc: x" }, 400, "bad-name"],
      [{ localPart: "someone", password: "x".repeat(5000) }, 400, "weak-password"],
      [{ localPart: "someone", password: "someone-someone" }, 400, "weak-password"],
    ];
    for (const [fields, status, code] of cases) {
      const answer = await signup("open", { ...fields, clientAddress: "192.0.2.77" });
      expect(answer, JSON.stringify(fields)).toMatchObject({ status, body: { code } });
      expect(typeof answer.body.error).toBe("string");
    }
    expect((await post("open", "/api/v1/signup", "{")).status).toBe(400);
    expect((await post("open", "/api/v1/signup", { localPart: 42, domain: "example.test", password: GOOD_PASSWORD })).status).toBe(400);
    expect((await post("open", "/api/v1/signup", [1, 2])).status).toBe(400);
    const huge = await fetch(`${base.open}/api/v1/signup`, { method: "POST", body: "x".repeat(200_000) }).catch(() => null);
    if (huge) expect(huge.status).toBe(400);
    expect(await test.store.accounts.authenticate("someone@example.test", GOOD_PASSWORD)).toBeNull();
    expect((await fetch(`${base.open}/api/v1/invites/abc`, { method: "DELETE", headers: { authorization: basic(ADMIN) } })).status).toBe(404);
  });
});

// The once-only rule is the database's conditional UPDATE: checked on both databases, with more racers
// than the HTTP test above, and on PostgreSQL's own concurrency (row locks, READ COMMITTED re-checks).
describe.each(PROVIDERS)("an invite used by racing sign-ups on %s", (provider) => {
  let test: TestStore;
  beforeAll(async () => {
    test = await openTestStore(provider);
  });
  afterAll(async () => test.cleanup());

  it("goes to exactly one of them", async () => {
    const invites = new Invites(test.store.db, test.store.sql);
    const { token } = await invites.create({ createdBy: "admin@example.test" });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => invites.use(token, `racer${i}@example.test`)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.state)).toEqual(Array(7).fill("used"));
    expect(await invites.check(token)).toBe("used");
  });
});
