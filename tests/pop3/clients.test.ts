// The POP3 server with the mail fetchers people run against it: fetchmail (keeping mail on the
// server by UIDL, then flushing it) and getmail6 (downloading into an mbox and deleting).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProgram, startImapServer, type ImapTestServer, type TestAccount } from "../helpers/imap";

const message = (n: number) => Buffer.from(`From: sender@example.test\r\nTo: someone@example.test\r\nSubject: fetched ${n}\r\nMessage-ID: <${n}.fetch@example.test>\r\n\r\nbody ${n}\r\n.dot line\r\n`);

describe("POP3 with fetchmail and getmail6", () => {
  let t: ImapTestServer;
  let dir: string;
  let port: number;

  beforeAll(async () => {
    t = await startImapServer();
    port = t.server.port("pop3");
    dir = mkdtempSync(path.join(tmpdir(), "pop3-fetchers-"));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.cleanup();
  });

  const filled = async (prefix: string, n: number): Promise<TestAccount> => {
    const account = await t.account(prefix);
    for (let i = 1; i <= n; i++) await t.put(account, message(i));
    return account;
  };
  const inboxUids = async (account: TestAccount) => (await t.store.messages.list((await t.store.folders.get(account.id, "INBOX"))!.id)).map((m) => m.uid);

  it("fetchmail keeps mail on the server and fetches each message once by UIDL, then --flush deletes", async () => {
    const account = await filled("fetchmail", 3);
    const out = path.join(dir, "fetchmail.mbox");
    const rc = path.join(dir, "fetchmailrc");
    // The MDA appends each message to a file; no TLS (loopback, PLAINTEXT_AUTH allows it).
    writeFileSync(
      rc,
      `set no syslog\npoll 127.0.0.1 service ${port} proto pop3 uidl auth password:\n  user "${account.address}" password "${account.password}" is root here\n  sslproto '' keep mda "/bin/sh -c 'cat >> ${out}'"\n`,
    );
    chmodSync(rc, 0o600);
    const env = { HOME: dir, FETCHMAILHOME: dir };
    const run = (extra: string[] = []) => runProgram("fetchmail", ["-f", rc, "--nodetach", "--idfile", path.join(dir, "fetchids"), ...extra], { env, timeoutMs: 30_000 });
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    expect(readFileSync(out, "utf8").match(/^Subject: fetched \d/gm)).toEqual(["Subject: fetched 1", "Subject: fetched 2", "Subject: fetched 3"]);
    expect(readFileSync(out, "utf8")).toContain("\n.dot line");
    expect(await inboxUids(account)).toEqual([1, 2, 3]);
    // Nothing new: fetchmail exits 1 ("no mail") and fetches nothing twice.
    const second = await run();
    expect(second.code).toBe(1);
    expect(readFileSync(out, "utf8").match(/^Subject: fetched/gm)).toHaveLength(3);
    await t.put(account, message(4));
    const third = await run(["--flush"]);
    expect(third.code, third.stderr).toBe(0);
    expect(readFileSync(out, "utf8").match(/^Subject: fetched \d/gm)).toHaveLength(4);
    // --flush removed the three seen before; the new one is kept.
    expect(await inboxUids(account)).toEqual([4]);
  }, 60_000);

  it("getmail6 downloads into an mbox and deletes from the server", async () => {
    const account = await filled("getmail", 3);
    const mbox = path.join(dir, "getmail.mbox");
    writeFileSync(mbox, "");
    // getmail refuses to deliver as root: then it writes the mbox as nobody.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      chmodSync(dir, 0o755);
      chmodSync(mbox, 0o666);
    }
    const rc = path.join(dir, "getmailrc");
    writeFileSync(
      rc,
      [
        "[retriever]",
        "type = SimplePOP3Retriever",
        "server = 127.0.0.1",
        `port = ${port}`,
        `username = ${account.address}`,
        `password = ${account.password}`,
        "[destination]",
        "type = Mboxrd",
        `path = ${mbox}`,
        ...(asRoot ? ["user = nobody"] : []),
        "[options]",
        "delete = true",
        "verbose = 1",
        "",
      ].join("\n"),
    );
    const result = await runProgram("getmail", ["--rcfile", rc, "--getmaildir", dir], { env: { HOME: dir }, timeoutMs: 30_000 });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const text = readFileSync(mbox, "utf8");
    expect(text.match(/^Subject: fetched \d/gm)).toEqual(["Subject: fetched 1", "Subject: fetched 2", "Subject: fetched 3"]);
    expect(await inboxUids(account)).toEqual([]);
  }, 60_000);
});
