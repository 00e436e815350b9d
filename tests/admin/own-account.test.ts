// The account's self-service routes of the management API over real HTTP: the addresses it may send
// from (its aliases) and changing its own password.
import type { AddressInfo } from "node:net";
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminServer } from "@/lib/mail-server/admin/http";
import { openTestStore, type TestStore } from "../helpers/store";

const USER = { address: "dana@example.test", password: "first long passphrase 1" };
const NEW_PASSWORD = "second long passphrase 2";

function basic(address: string, password: string): string {
  return `Basic ${Buffer.from(`${address}:${password}`).toString("base64")}`;
}

describe("management API: the account's own addresses and password", () => {
  let test: TestStore;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    test = await openTestStore("sqlite");
    await test.store.accounts.addAccount({ ...USER, displayName: "Dana", createDomain: true });
    await test.store.accounts.addAccount({ address: "other@example.test", password: "a quite different secret 3" });
    await test.store.accounts.addAlias("sales@example.test", USER.address);
    await test.store.accounts.addAlias("everyone@example.test", "other@example.test");
    await test.store.accounts.addAlias("@example.test", USER.address);
    server = await startAdminServer(test.config, test.store, 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    await test.cleanup();
  });

  const changePassword = (credentials: string, body: unknown) =>
    fetch(`${base}/api/v1/account/password`, { method: "POST", headers: { authorization: basic(USER.address, credentials) }, body: JSON.stringify(body) });

  it("lists the aliases that deliver to the caller, not others' nor a catch-all", async () => {
    const answer = await fetch(`${base}/api/v1/account/addresses`, { headers: { authorization: basic(USER.address, USER.password) } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ address: USER.address, displayName: "Dana", aliases: ["sales@example.test"] });
    expect((await fetch(`${base}/api/v1/account/addresses`)).status).toBe(401);
  });

  it("changes the password only with the current one again, and a strong new one", async () => {
    const wrong = await changePassword(USER.password, { currentPassword: "not it at all", newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ error: "The current password is not right." });
    const weak = await changePassword(USER.password, { currentPassword: USER.password, newPassword: "short" });
    expect(weak.status).toBe(400);
    expect((await weak.json()).error).toMatch(/too short/);
    const missing = await changePassword(USER.password, { currentPassword: USER.password });
    expect(missing.status).toBe(400);
    const hostile = await changePassword(USER.password, { currentPassword: USER.password, newPassword: { $gt: "" } });
    expect(hostile.status).toBe(400);

    const changed = await changePassword(USER.password, { currentPassword: USER.password, newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect(await test.store.accounts.authenticate(USER.address, USER.password)).toBeNull();
    expect(await test.store.accounts.authenticate(USER.address, NEW_PASSWORD)).toMatchObject({ address: USER.address });
    // The old credentials open nothing any more.
    expect((await changePassword(USER.password, { currentPassword: USER.password, newPassword: "third long passphrase 4" })).status).toBe(401);
  });
});
