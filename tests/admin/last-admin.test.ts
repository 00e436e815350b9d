// The store's rule, whoever asks (management API, mailctl): an enabled administrator always remains.
// Also with two administrators stepping down at the same moment, on both databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hourOf } from "@/lib/mail-server/store/traffic";
import { openTestStore, PROVIDERS, type TestStore } from "../helpers/store";

describe.each(PROVIDERS)("administrators on %s", (provider) => {
  let test: TestStore;
  const accounts = (test: TestStore) => test.store.accounts;

  beforeAll(async () => {
    test = await openTestStore(provider);
    for (const name of ["ada", "bea", "cy"]) {
      await accounts(test).addAccount({ address: `${name}@example.test`, password: `the passphrase of ${name}`, isAdmin: name !== "cy" });
    }
  });
  afterAll(() => test.cleanup());

  it("of two administrators demoting each other at once, exactly one succeeds", async () => {
    const results = await Promise.allSettled([accounts(test).setAdmin("ada@example.test", false), accounts(test).setAdmin("bea@example.test", false)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected");
    expect(String(refused?.status === "rejected" ? refused.reason : "")).toMatch(/is the last administrator/);
    const admins = (await accounts(test).listAccounts()).filter((a) => a.isAdmin && !a.disabled);
    expect(admins).toHaveLength(1);
  });

  it("refuses to delete, disable or demote the last enabled administrator; a disabled one doesn't count", async () => {
    const last = (await accounts(test).listAccounts()).find((a) => a.isAdmin)!.address;
    await expect(accounts(test).deleteAccount(last)).rejects.toThrow(/last administrator/);
    await expect(accounts(test).setDisabled(last, true)).rejects.toThrow(/last administrator/);
    await expect(accounts(test).setAdmin(last, false)).rejects.toThrow(/last administrator/);
    // A disabled administrator doesn't keep the server administered.
    await accounts(test).setAdmin("cy@example.test", true);
    await accounts(test).setDisabled("cy@example.test", true);
    await expect(accounts(test).setDisabled(last, true)).rejects.toThrow(/last administrator/);
    await accounts(test).setDisabled("cy@example.test", false);
    await accounts(test).setDisabled(last, true);
    expect((await accounts(test).listAccounts()).find((a) => a.address === last)?.disabled).toBe(true);
  });

  it("counts messages per hour, adding what isn't written yet to what is", async () => {
    const now = new Date();
    test.store.traffic.count("in", now);
    test.store.traffic.count("out", now);
    await test.store.traffic.flush();
    test.store.traffic.count("in", now);
    const hours = await test.store.traffic.hours(new Date(now.getTime() - 3 * 3_600_000), now);
    expect(hours).toHaveLength(4);
    expect(hours.at(-1)).toEqual({ hour: new Date(hourOf(now) * 3_600_000), in: 2, out: 1 });
    expect(hours.slice(0, 3).every((h) => h.in === 0 && h.out === 0)).toBe(true);
  });
});
