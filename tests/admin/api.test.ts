// The management API over real HTTP: routing, who may call what, and its error shapes.
import type { AddressInfo } from "node:net";
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminServer } from "@/lib/mail-server/admin/http";
import { openTestStore, type TestStore } from "../helpers/store";

const ADMIN = { address: "boss@example.test", password: "correct horse battery staple" };
const USER = { address: "user@example.test", password: "another long passphrase 42" };

function basic(account: { address: string; password: string }): string {
  return `Basic ${Buffer.from(`${account.address}:${account.password}`).toString("base64")}`;
}

describe("management API", () => {
  let test: TestStore;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    test = await openTestStore("sqlite");
    server = await startAdminServer(test.config, test.store, 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await test.cleanup();
  });

  it("creates the first administrator only while no account exists", async () => {
    expect(await (await fetch(`${base}/api/v1/setup`)).json()).toEqual({ needed: true });
    const created = await fetch(`${base}/api/v1/setup`, { method: "POST", body: JSON.stringify(ADMIN) });
    expect(created.status).toBe(201);
    expect(await (await fetch(`${base}/api/v1/setup`)).json()).toEqual({ needed: false });
    const again = await fetch(`${base}/api/v1/setup`, { method: "POST", body: JSON.stringify(USER) });
    expect(again.status).toBe(409);
    await test.store.accounts.addAccount({ ...USER });
  });

  it("answers the caller's own account only with their credentials", async () => {
    const anonymous = await fetch(`${base}/api/v1/account`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic /);
    const wrong = await fetch(`${base}/api/v1/account`, { headers: { authorization: basic({ ...USER, password: "nope" }) } });
    expect(wrong.status).toBe(401);
    const own = await fetch(`${base}/api/v1/account`, { headers: { authorization: basic(USER) } });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ address: USER.address, isAdmin: false, usedBytes: "0" });
  });

  it("refuses a disabled account", async () => {
    const prisma = await test.store.db.prisma();
    await prisma.account.update({ where: { addressKey: USER.address }, data: { disabled: true } });
    const refused = await fetch(`${base}/api/v1/account`, { headers: { authorization: basic(USER) } });
    expect(refused.status).toBe(401);
    await prisma.account.update({ where: { addressKey: USER.address }, data: { disabled: false } });
  });

  it("answers malformed requests with words, not a crash", async () => {
    expect((await fetch(`${base}/api/v1/nothing-here`)).status).toBe(404);
    expect((await fetch(`${base}/api/v1/account`, { method: "DELETE" })).status).toBe(405);
    expect((await fetch(`${base}/api/v1/account`, { headers: { authorization: "Basic !!!" } })).status).toBe(401);
    const notJson = await fetch(`${base}/api/v1/setup`, { method: "POST", body: "{" });
    expect([400, 409]).toContain(notJson.status);
    expect(await notJson.json()).toHaveProperty("error");
    const huge = await fetch(`${base}/api/v1/setup`, { method: "POST", body: "x".repeat(100_000) }).catch(() => null);
    if (huge) expect(huge.status).toBeGreaterThanOrEqual(400);
  });
});
