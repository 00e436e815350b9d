// QUOTA (RFC 9208) over a raw socket on SQLite and PostgreSQL: GETQUOTAROOT and GETQUOTA with
// STORAGE in KiB, SETQUOTA refused, STATUS DELETED and DELETED-STORAGE, APPEND and COPY refused
// with [OVERQUOTA] while MOVE still works; then imapflow's getQuota and Python imaplib's
// getquotaroot.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startImapServer, textMessage, type ImapTestServer, type TestAccount } from "../helpers/imap";
import { runImaplib } from "../helpers/imaplib";
import { PROVIDERS } from "../helpers/store";

const kib = (bytes: number) => Math.ceil(bytes / 1024);

describe.each(PROVIDERS)("IMAP QUOTA on %s", (provider) => {
  let t: ImapTestServer;
  beforeAll(async () => {
    t = await startImapServer({ provider });
  });
  afterAll(async () => t?.cleanup());

  async function setQuota(account: TestAccount, bytes: number) {
    await t.store.sql.query(`UPDATE "Account" SET "quotaBytes" = ? WHERE "id" = ?`, [bytes, account.id]);
  }

  async function usedBytes(account: TestAccount): Promise<number> {
    return Number((await t.store.accounts.usage(account.id))!.usedBytes);
  }

  /** A message of about `size` bytes. */
  const sized = (subject: string, size: number) => textMessage(subject, { body: `${"x".repeat(Math.max(0, size - 300))}\n` });

  it("advertises QUOTA and QUOTA=RES-STORAGE, and no message resource it doesn't limit", async () => {
    const client = await t.connect();
    const capabilities = (await client.ok("CAPABILITY")).untagged[0].split(" ");
    expect(capabilities).toEqual(expect.arrayContaining(["QUOTA", "QUOTA=RES-STORAGE"]));
    expect(capabilities).not.toContain("QUOTA=RES-MESSAGE");
    await client.logout();
  });

  it("answers GETQUOTAROOT and GETQUOTA with the account's one root and its usage in KiB, and refuses SETQUOTA", async () => {
    const account = await t.account();
    await setQuota(account, 100 * 1024 + 1000);
    await t.put(account, sized("first", 3000));
    const used = await usedBytes(account);
    const client = await t.connect({ account });
    const quota = `* QUOTA "" (STORAGE ${kib(used)} 100)`;
    expect((await client.ok("GETQUOTAROOT INBOX")).untagged).toEqual(['* QUOTAROOT INBOX ""', quota]);
    // The name need not exist (RFC 9208 §4.1.2): it tells which root a new mailbox would use.
    expect((await client.ok('GETQUOTAROOT "Not/Yet"')).untagged).toEqual(['* QUOTAROOT Not/Yet ""', quota]);
    expect((await client.ok('GETQUOTA ""')).untagged).toEqual([quota]);
    const other = await client.command('GETQUOTA "#user/someone"');
    expect([other.status, other.code]).toEqual(["NO", "NONEXISTENT"]);
    const set = await client.command('SETQUOTA "" (STORAGE 1000000)');
    expect([set.status, set.code]).toEqual(["NO", "NOPERM"]);
    for (const command of ["GETQUOTAROOT", "GETQUOTA", 'GETQUOTA "" ""', 'SETQUOTA ""', 'SETQUOTA "" STORAGE', "GETQUOTAROOT (INBOX)"]) {
      expect((await client.command(command)).status, command).toBe("BAD");
      await client.ok("NOOP");
    }
    await client.logout();
  });

  it("reports STATUS DELETED and DELETED-STORAGE, which EXPUNGE gives back to the quota", async () => {
    const account = await t.account();
    await t.put(account, sized("keep", 1500));
    await t.put(account, sized("drop", 5000), { flags: ["\\Deleted"] });
    await t.put(account, sized("drop too", 2100), { flags: ["\\Deleted"] });
    const before = await usedBytes(account);
    const client = await t.connect({ account });
    const status = (await client.ok("STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)")).untagged[0];
    const [, deletedStorage] = /DELETED-STORAGE (\d+)/.exec(status)!;
    expect(status).toBe(`* STATUS INBOX (MESSAGES 3 DELETED 2 DELETED-STORAGE ${deletedStorage})`);
    await client.ok("SELECT INBOX");
    await client.ok("EXPUNGE");
    const after = await usedBytes(account);
    expect(Number(deletedStorage)).toBe(kib(before - after));
    expect((await client.ok("STATUS INBOX (DELETED DELETED-STORAGE)")).untagged).toEqual(["* STATUS INBOX (DELETED 0 DELETED-STORAGE 0)"]);
    expect((await client.ok('GETQUOTA ""')).untagged[0]).toMatch(new RegExp(`^\\* QUOTA "" \\(STORAGE ${kib(after)} \\d+\\)$`));
    await client.logout();
  });

  it("refuses APPEND and COPY past the quota with [OVERQUOTA] and stores nothing; MOVE, which adds nothing, still works", async () => {
    const account = await t.account();
    await t.put(account, sized("big", 6000));
    await setQuota(account, (await usedBytes(account)) + 2000);
    const client = await t.connect({ account });
    const append = await client.append("INBOX", sized("too much", 2500));
    expect([append.status, append.code]).toEqual(["NO", "OVERQUOTA"]);
    expect((await client.append("INBOX", sized("fits", 1200))).status).toBe("OK");
    await client.ok("SELECT INBOX");
    const copy = await client.command("COPY 1 Archive");
    expect([copy.status, copy.code]).toEqual(["NO", "OVERQUOTA"]);
    expect((await client.ok("STATUS Archive (MESSAGES)")).untagged).toEqual(["* STATUS Archive (MESSAGES 0)"]);
    // An account at its limit can still file mail away, and make room by expunging it.
    await setQuota(account, 1000);
    expect((await client.command("MOVE 1 Archive")).status).toBe("OK");
    expect((await client.ok("STATUS Archive (MESSAGES)")).untagged).toEqual(["* STATUS Archive (MESSAGES 1)"]);
    const uidCopy = await client.command("UID COPY 1:* Trash");
    expect([uidCopy.status, uidCopy.code]).toEqual(["NO", "OVERQUOTA"]);
    await client.logout();
  });

  it("imapflow reads the quota with getQuota", async () => {
    const account = await t.account();
    await setQuota(account, 50 * 1024);
    await t.put(account, sized("imapflow", 4000));
    const used = await usedBytes(account);
    const flow = await t.imapflow(account);
    const quota = await flow.getQuota("INBOX");
    expect(quota).toMatchObject({ path: "INBOX", storage: { usage: kib(used) * 1024, limit: 50 * 1024 } });
    await flow.logout();
  });

  it("Python imaplib reads the quota with getquotaroot and getquota", async () => {
    const account = await t.account();
    await setQuota(account, 2048 * 1024);
    const out = await runImaplib(
      t.imapPort,
      account,
      String.raw`
typ, data = M.getquotaroot("INBOX")
out["root"] = [typ, dec(data)]
typ, data = M.getquota('""')
out["quota"] = [typ, dec(data)]
`,
    );
    expect(out).toEqual({
      root: ["OK", [['INBOX ""'], ['"" (STORAGE 0 2048)']]],
      quota: ["OK", ['"" (STORAGE 0 2048)']],
    });
  });
});
