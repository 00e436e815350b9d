// The mailctl contract (ARCHITECTURE, "The contract"): domain add/list, user add/passwd/del/list,
// alias add/list/del, import of mbox and EML; passwords from --password-stdin, never a hang
// without a terminal; exit 0 on success, otherwise non-zero with exactly one line on stderr.
// mailctl is run as a real process, as an administrator runs it, also while the server runs.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import { MailStore } from "@/lib/mail-server/store";
import { QueueStore } from "@/lib/mail-server/queue/store";
import { headerOf, readMessages, runProgram, SmtpClient, splitTrace } from "../helpers/smtp";
import { ALL_PORTS_OFF, CONTRACT_VARIABLES, freePort, killAll, removeTempDirs, ROOT, runScript, startServerProcess, stderrLines, tempDir, type RunOptions, type RunResult } from "./processes";

const BOB_PASSWORD = "correct horse battery staple";

let dataDir: string;
let env: Record<string, string>;

function mailctl(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runScript("mailctl.ts", args, { timeoutMs: 20_000, ...options, env: { ...env, ...options.env } });
}

function expectOk(result: RunResult) {
  expect(result.timedOut, "mailctl hung").toBe(false);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
}

function expectFailure(result: RunResult, pattern?: RegExp) {
  expect(result.timedOut, "mailctl hung instead of failing").toBe(false);
  expect(result.code, `exit status; stdout ${JSON.stringify(result.stdout)}`).not.toBe(0);
  expect(result.code).not.toBeNull();
  const lines = stderrLines(result);
  expect(lines, "exactly one line on stderr").toHaveLength(1);
  expect(lines[0].trim()).not.toBe("");
  if (pattern) expect(lines[0]).toMatch(pattern);
}

interface ListedAccount {
  address: string;
  messages: number;
  used: number;
  quota: number;
  rest: string;
}

/** `user list`: one account a line with its message count, bytes used and quota. */
async function userList(): Promise<ListedAccount[]> {
  const result = await mailctl(["user", "list"]);
  expectOk(result);
  return result.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const match = /^(\S+@\S+)\tmessages=(\d+)\tused=(\d+) \([^)]*\)\tquota=(\d+) \([^)]*\)(.*)$/.exec(line);
      if (!match) throw new Error(`user list line not understood: ${JSON.stringify(line)}`);
      return { address: match[1], messages: Number(match[2]), used: Number(match[3]), quota: Number(match[4]), rest: match[5] };
    });
}

async function withStore<T>(fn: (store: MailStore) => Promise<T>): Promise<T> {
  const store = await MailStore.open(loadConfig(env));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Runs mailctl on a terminal (a pseudo-terminal from Python's pty), answering each prompt in turn. */
const PTY_SCRIPT = String.raw`
import json, os, pty, select, sys, time
answers = json.loads(os.environ["ANSWERS"])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
def read_until(token, timeout):
    global out
    end = time.time() + timeout
    while (token is None or token not in out) and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return
            if not data:
                return
            out += data
for prompt, answer in answers:
    read_until(prompt.encode(), 15)
    os.write(fd, answer.encode() + b"\r")
read_until(None, 15)
_, status = os.waitpid(pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "output": out.decode("utf-8", "replace")}))
`;

async function mailctlOnTerminal(args: string[], answers: [string, string][]): Promise<{ code: number; output: string }> {
  const result = await runProgram("python3", ["-c", PTY_SCRIPT, process.execPath, "--import", "tsx", path.join(ROOT, "scripts", "mailctl.ts"), ...args], {
    // runProgram adds process.env: blank out the contract's variables (blank means unset) so only ours count.
    env: { ...Object.fromEntries(CONTRACT_VARIABLES.map((name) => [name, ""])), ...env, ANSWERS: JSON.stringify(answers) },
    timeoutMs: 30_000,
  });
  const last = result.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as { code: number; output: string };
  } catch {
    throw new Error(`pty runner failed (exit ${result.code}): ${result.stderr || result.stdout}`);
  }
}

beforeAll(async () => {
  dataDir = tempDir("mailctl-");
  env = { ...ALL_PORTS_OFF, DATA_DIR: dataDir, MAIL_DOMAINS: "example.test" };
  // The first run migrates the fresh database; the tests after it may then run side by side.
  expectOk(await mailctl(["user", "add", "bob@example.test", "--password-stdin"], { stdin: `${BOB_PASSWORD}\n` }));
});

afterAll(async () => {
  await killAll();
  removeTempDirs();
});

describe("mailctl on a stopped server", () => {
  it("--help prints the usage and exits 0", async () => {
    const result = await mailctl(["--help"]);
    expectOk(result);
    for (const word of ["domain add", "domain records", "domain del", "user add", "user passwd", "user del", "user list", "user quota", "user disable|enable", "user admin|unadmin", "alias add", "alias del", "import", "queue list", "queue retry", "queue delete", "status"]) {
      expect(result.stdout).toContain(word);
    }
  });

  it("domain add and domain list", async () => {
    const added = await mailctl(["domain", "add", "Other.Test"]);
    expectOk(added);
    const [first, ...records] = added.stdout.trim().split("\n");
    expect(first).toBe("added domain other.test; publish these DNS records for it:");
    expect(records.map((r) => r.split("\t").slice(0, 3).join(" "))).toEqual([
      "other.test. IN MX",
      "other.test. IN TXT",
      expect.stringMatching(/^mail\d{6}\._domainkey\.other\.test\. IN TXT$/),
      "_dmarc.other.test. IN TXT",
    ]);
    expect(records[1]).toContain('"v=spf1 mx');
    expect(records[2]).toMatch(/"v=DKIM1; k=rsa; p=[A-Za-z0-9+/]{200,}/);
    // The same key is printed again, not a new one.
    const again = await mailctl(["domain", "records", "other.test"]);
    expectOk(again);
    expect(again.stdout.trim().split("\n")).toEqual(records);
    const list = await mailctl(["domain", "list"]);
    expectOk(list);
    const lines = list.stdout.split("\n").filter(Boolean);
    expect(lines.map((l) => l.split("\t")[0])).toEqual(["example.test", "other.test"]);
    expect(lines[0]).toMatch(/accounts=1\b/);
    expect(lines[1]).toMatch(/accounts=0\b/);
    expectFailure(await mailctl(["domain", "add", "other.test"]), /other\.test/);
  });

  it("user add (password from stdin) and user list: one line an account with messages, bytes used and quota", async () => {
    const added = await mailctl(["user", "add", "carol@example.test", "--password-stdin", "--quota", "1G", "--name", "Carol"], { stdin: "purple monkey dishwasher\n" });
    expectOk(added);
    expect(added.stdout).toBe("added carol@example.test\n");
    const accounts = await userList();
    expect(accounts.map((a) => a.address)).toEqual(["bob@example.test", "carol@example.test"]);
    expect(accounts[0]).toMatchObject({ messages: 0, used: 0, quota: 5 * 1024 ** 3 });
    expect(accounts[1]).toMatchObject({ messages: 0, used: 0, quota: 1024 ** 3 });
    // The password is the first line of stdin, without its line end.
    expect(await withStore(async (store) => (await store.accounts.authenticate("carol@example.test", "purple monkey dishwasher"))?.displayName)).toBe("Carol");
  });

  it("refuses with non-zero status and exactly one line on stderr", async () => {
    const results = await Promise.all([
      mailctl(["user", "add", "dave@nowhere.test", "--password-stdin"], { stdin: "long enough password 1\n" }),
      mailctl(["user", "add", "bob@example.test", "--password-stdin"], { stdin: "another long password\n" }),
      mailctl(["user", "add", "erin@example.test", "--password-stdin"], { stdin: "short\n" }),
      mailctl(["frobnicate"]),
      mailctl(["user", "add"]),
      mailctl(["user", "add", "erin@example.test", "--password-stdin"], { stdin: "" }),
      mailctl(["user", "list", "--bogus"]),
    ]);
    const [unknownDomain, duplicate, weak, unknownCommand, missingArgument, noPassword, badOption] = results;
    expectFailure(unknownDomain, /nowhere\.test/);
    expectFailure(duplicate, /already exists/);
    expectFailure(weak, /password/);
    expectFailure(unknownCommand, /unknown command/);
    expectFailure(missingArgument, /missing argument/);
    expectFailure(noPassword, /password/);
    expectFailure(badOption, /--bogus/);
    for (const result of results) expect(result.stdout).toBe("");
    // None of them changed anything.
    expect(await withStore(async (store) => (await store.accounts.listAccounts()).map((a) => a.address))).toEqual(["bob@example.test", "carol@example.test"]);
  });

  it("user add or passwd without --password-stdin and without a terminal fails at once with one line (never waits for input)", async () => {
    const [add, passwd] = await Promise.all([
      mailctl(["user", "add", "erin@example.test"], { keepStdinOpen: true, timeoutMs: 10_000 }),
      mailctl(["user", "passwd", "bob@example.test"], { keepStdinOpen: true, timeoutMs: 10_000 }),
    ]);
    expectFailure(add, /password/);
    expectFailure(passwd, /password/);
    expect(add.ms).toBeLessThan(8000);
  });

  it("on a terminal, user add asks twice without echoing; different answers are refused", async () => {
    const [added, mismatch] = await Promise.all([
      mailctlOnTerminal(["user", "add", "tty@example.test"], [["Password: ", "typed on a terminal"], ["Repeat password: ", "typed on a terminal"]]),
      mailctlOnTerminal(["user", "add", "tty2@example.test"], [["Password: ", "typed on a terminal"], ["Repeat password: ", "typed differently"]]),
    ]);
    expect(added.code, added.output).toBe(0);
    expect(added.output).toContain("added tty@example.test");
    expect(added.output).not.toContain("typed on a terminal");
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.output).toMatch(/do not match/);
    await withStore(async (store) => {
      expect(await store.accounts.authenticate("tty@example.test", "typed on a terminal")).not.toBeNull();
      expect((await store.accounts.listAccounts()).map((a) => a.address)).not.toContain("tty2@example.test");
    });
  });

  it("--password-stdin reads one line: a line followed by nothing (stdin left open) is enough", async () => {
    // `echo pw | mailctl …` closes stdin, but a program that writes the line and keeps the pipe open
    // (or a person typing the line and Enter) must not leave mailctl waiting for the end of the input.
    const result = await mailctl(["user", "add", "frank@example.test", "--password-stdin"], { stdin: "a long passphrase of mine\n", keepStdinOpen: true, timeoutMs: 15_000 });
    expectOk(result);
  });

  it("user passwd changes what authenticates; a weak new password changes nothing", async () => {
    const weak = await mailctl(["user", "passwd", "bob@example.test", "--password-stdin"], { stdin: "bob\n" });
    expectFailure(weak, /password/);
    expect(await withStore(async (store) => Boolean(await store.accounts.authenticate("bob@example.test", BOB_PASSWORD)))).toBe(true);

    const changed = await mailctl(["user", "passwd", "bob@example.test", "--password-stdin"], { stdin: "a brand new passphrase\r\n" });
    expectOk(changed);
    expect(changed.stdout).toMatch(/bob@example\.test/);
    await withStore(async (store) => {
      expect(await store.accounts.authenticate("bob@example.test", BOB_PASSWORD)).toBeNull();
      expect(await store.accounts.authenticate("bob@example.test", "a brand new passphrase")).not.toBeNull();
      expect(await store.accounts.authenticate("BOB@example.test", "a brand new passphrase")).not.toBeNull();
    });
  });

  it("alias add, list and del", async () => {
    for (const result of await Promise.all([
      mailctl(["alias", "add", "team@example.test", "bob@example.test"]),
      mailctl(["alias", "add", "team@example.test", "carol@example.test"]),
      mailctl(["alias", "add", "@example.test", "bob@example.test"]),
    ])) expectOk(result);
    const list = await mailctl(["alias", "list"]);
    expectOk(list);
    expect(list.stdout.split("\n").filter(Boolean)).toEqual(["@example.test\tbob@example.test", "team@example.test\tbob@example.test", "team@example.test\tcarol@example.test"]);

    const [duplicate, deleted, deletedCatchAll] = await Promise.all([
      mailctl(["alias", "add", "team@example.test", "bob@example.test"]),
      mailctl(["alias", "del", "team@example.test", "carol@example.test"]),
      mailctl(["alias", "del", "@example.test"]),
    ]);
    expectFailure(duplicate, /already exists/);
    expectOk(deleted);
    expectOk(deletedCatchAll);
    const [after, again] = await Promise.all([mailctl(["alias", "list"]), mailctl(["alias", "del", "@example.test"])]);
    expectOk(after);
    expect(after.stdout.split("\n").filter(Boolean)).toEqual(["team@example.test\tbob@example.test"]);
    expectFailure(again, /@example\.test/);
  });

  it("import of an mbox file and of an .eml file; the count shows in user list", async () => {
    const mbox = path.join(dataDir, "old.mbox");
    writeFileSync(
      mbox,
      [
        "From alice@remote.test Mon Jan  1 10:00:00 2024",
        "From: alice@remote.test",
        "To: carol@example.test",
        "Subject: first",
        "Message-ID: <m1@remote.test>",
        "",
        "Hello.",
        ">From the quoted line",
        ">>From doubly quoted",
        "",
        "From bob@remote.test Tue Jan  2 11:00:00 2024",
        "From: bob@remote.test",
        "To: carol@example.test",
        "Subject: second",
        "Message-ID: <m2@remote.test>",
        "",
        "Second body.",
        "",
        "From dave@remote.test Wed Jan  3 12:00:00 2024",
        "From: dave@remote.test",
        "Subject: third",
        "",
        "Third.",
        "",
      ].join("\n"),
    );
    const eml = path.join(dataDir, "single.eml");
    writeFileSync(eml, "From: erin@remote.test\nTo: carol@example.test\nSubject: an eml file\nMessage-ID: <e1@remote.test>\n\nJust one.\n");

    const imported = await mailctl(["import", "carol@example.test", mbox]);
    expectOk(imported);
    expect(imported.stdout).toMatch(/imported 3 messages/);
    const importedEml = await mailctl(["import", "carol@example.test", eml]);
    expectOk(importedEml);
    expect(importedEml.stdout).toMatch(/imported 1 message\b/);
    const carol = (await userList()).find((a) => a.address === "carol@example.test")!;
    expect(carol.messages).toBe(4);

    const stored = await withStore((store) => readMessages(store, "carol@example.test"));
    const raws = stored.map((m) => m.raw.toString("latin1"));
    expect(raws[0]).toBe("From: alice@remote.test\r\nTo: carol@example.test\r\nSubject: first\r\nMessage-ID: <m1@remote.test>\r\n\r\nHello.\r\nFrom the quoted line\r\n>From doubly quoted\r\n");
    expect(raws[1]).toContain("Subject: second\r\n");
    expect(raws[2]).toContain("Subject: third\r\n\r\nThird.");
    expect(raws[3]).toBe("From: erin@remote.test\r\nTo: carol@example.test\r\nSubject: an eml file\r\nMessage-ID: <e1@remote.test>\r\n\r\nJust one.\r\n");
    // Bytes used is what is stored.
    expect(carol.used).toBe(stored.reduce((sum, m) => sum + m.raw.length, 0));

    expectFailure(await mailctl(["import", "nobody@example.test", eml]), /nobody@example\.test/);
    expect(await withStore(async (store) => (await store.accounts.listAccounts()).find((a) => a.address === "carol@example.test")!.messageCount)).toBe(4);
  });

  it("queue list, retry and delete; a deleted message bounces to its sender", async () => {
    const id = await withStore((store) =>
      new QueueStore(store.sql, store.blobs).enqueue({
        raw: Buffer.from("From: bob@example.test\r\nTo: far@away.test\r\nSubject: stuck\r\nMessage-ID: <stuck@example.test>\r\n\r\nstuck\r\n"),
        sender: "bob@example.test",
        envid: null,
        ret: null,
        body: "7BIT",
        smtputf8: false,
        accountId: null,
        messageId: "<stuck@example.test>",
        recipients: [{ address: "far@away.test", notify: null, orcpt: null }],
      }),
    );
    const list = await mailctl(["queue", "list"]);
    expectOk(list);
    const [head, recipient] = list.stdout.trim().split("\n");
    expect(head).toMatch(new RegExp(String.raw`^${id}\tfrom=<bob@example\.test>\tsize=\d+\tqueued=\S+\tmessage-id=<stuck@example\.test>$`));
    expect(recipient).toMatch(/^\t<far@away\.test>\tqueued\tattempts=0\tnext=\S+$/);
    const retry = await mailctl(["queue", "retry", "all"]);
    expectOk(retry);
    expect(retry.stdout).toBe("1 recipient will be tried again now\n");
    expectFailure(await mailctl(["queue", "retry", "x1"]), /not a queue id/);
    const deleted = await mailctl(["queue", "delete", String(id)]);
    expectOk(deleted);
    expect((await mailctl(["queue", "list"])).stdout).toBe("the queue is empty\n");
    expectFailure(await mailctl(["queue", "delete", String(id)]), new RegExp(`no queued message ${id}`));
    const bounce = await withStore(async (store) => (await readMessages(store, "bob@example.test")).find((m) => m.raw.toString().includes("multipart/report")));
    expect(bounce?.raw.toString()).toContain("Final-Recipient: rfc822; far@away.test");
    expect(bounce?.raw.toString()).toMatch(/Diagnostic-Code: smtp; 550 5\.3\.0 removed from the queue by the administrator/);
  });

  it("user quota, disable/enable and admin/unadmin; the last administrator can't be demoted, disabled or deleted", async () => {
    const [ann, ben] = ["ann@example.test", "ben@example.test"];
    for (const address of [ann, ben]) expectOk(await mailctl(["user", "add", address, "--password-stdin"], { stdin: `passphrase of ${address}\n` }));
    expectOk(await mailctl(["user", "quota", ann, "2G"]));
    expectOk(await mailctl(["user", "admin", ann]));
    expectOk(await mailctl(["user", "disable", ben]));
    const accounts = await userList();
    expect(accounts.find((a) => a.address === ann)).toMatchObject({ quota: 2 * 1024 ** 3, rest: "\tadmin" });
    expect(accounts.find((a) => a.address === ben)?.rest).toBe("\tdisabled");
    expect(await withStore((store) => store.accounts.authenticate(ben, `passphrase of ${ben}`))).toBeNull();
    // Ann is the only administrator: each way of losing her is refused, and nothing changes.
    const refused = await Promise.all([["user", "unadmin"], ["user", "disable"], ["user", "del"]].map((command) => mailctl([...command, ann])));
    for (const result of refused) expectFailure(result, /ann@example\.test is the last administrator/);
    expect((await userList()).find((a) => a.address === ann)?.rest).toBe("\tadmin");
    expectOk(await mailctl(["user", "enable", ben]));
    expect(await withStore((store) => store.accounts.authenticate(ben, `passphrase of ${ben}`))).not.toBeNull();
    // With a second administrator, the first may step down.
    expectOk(await mailctl(["user", "admin", ben]));
    expectOk(await mailctl(["user", "unadmin", ann]));
    expectFailure(await mailctl(["user", "quota", ann, "lots"]), /not a size/);
    expectFailure(await mailctl(["user", "disable", "nobody@example.test"]), /no account nobody@example\.test/);
  });

  it("domain del deletes an empty domain and refuses one with accounts or from MAIL_DOMAINS", async () => {
    expectOk(await mailctl(["domain", "add", "gone.test"]));
    expectOk(await mailctl(["user", "add", "x@gone.test", "--password-stdin"], { stdin: "a long passphrase of x\n" }));
    expectFailure(await mailctl(["domain", "del", "gone.test"]), /gone\.test still has 1 account/);
    expectOk(await mailctl(["user", "del", "x@gone.test"]));
    expectOk(await mailctl(["domain", "del", "gone.test"]));
    expect((await mailctl(["domain", "list"])).stdout).not.toContain("gone.test");
    expectFailure(await mailctl(["domain", "del", "example.test"]), /MAIL_DOMAINS/);
    expectFailure(await mailctl(["domain", "del", "never.test"]), /never\.test is not a local domain/);
  });

  it("status: queue, messages today, disk and quota use, and 24 hourly counts", async () => {
    const result = await mailctl(["status"], { env: { IMAP_PORT: "1143" } });
    expectOk(result);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toContain("listener\timap\t127.0.0.1:1143");
    expect(lines.find((l) => l.startsWith("queue\t"))).toMatch(/^queue\tmessages=\d+\twaiting-recipients=\d+$/);
    expect(lines.find((l) => l.startsWith("today\t"))).toMatch(/^today\tin=\d+\tout=\d+$/);
    const disk = lines.find((l) => l.startsWith("disk\t"));
    expect(disk?.startsWith(`disk\t${dataDir}\tused=`)).toBe(true);
    expect(disk).toMatch(/\tused=[1-9]\d* /);
    expect(lines.find((l) => l.startsWith("quota\t"))).toMatch(/^quota\taccounts=\d+\tused=\d+ .*\tquota=[1-9]\d* .*\tover=0$/);
    expect(lines.filter((l) => l.startsWith("hour\t"))).toHaveLength(24);
  });

  it("user del removes the account; a second del is refused", async () => {
    const deleted = await mailctl(["user", "del", "bob@example.test"]);
    expectOk(deleted);
    const [list, again] = await Promise.all([userList(), mailctl(["user", "del", "bob@example.test"])]);
    expect(list.map((a) => a.address)).not.toContain("bob@example.test");
    expect(list.map((a) => a.address)).toContain("carol@example.test");
    expectFailure(again, /bob@example\.test/);
  });
});

describe("mailctl while the server runs (SQLite)", () => {
  it("adds an account the running server delivers to, counts its mail, and a new password works over SMTP AUTH at once", { timeout: 45_000 }, async () => {
    const port = await freePort();
    const server = await startServerProcess({ ...env, SMTP_PORT: String(port) });
    try {
      expectOk(await mailctl(["user", "add", "live@example.test", "--password-stdin"], { stdin: "first secret phrase\n" }));

      const client = await SmtpClient.open(port);
      await client.ehlo();
      const reply = await client.send("sender@remote.test", ["live@example.test"], "From: sender@remote.test\r\nSubject: to a new account\r\n\r\nhello\r\n");
      expect(reply.code).toBe(250);
      await client.quit();
      const live = (await userList()).find((a) => a.address === "live@example.test")!;
      expect(live.messages).toBe(1);
      expect(live.used).toBeGreaterThan(0);

      // Import next to the running server's own deliveries.
      const eml = path.join(dataDir, "live.eml");
      writeFileSync(eml, "From: x@remote.test\nSubject: imported live\n\nbody\n");
      const [imported, delivered] = await Promise.all([
        mailctl(["import", "live@example.test", eml]),
        (async () => {
          const c = await SmtpClient.open(port);
          await c.ehlo();
          const r = await c.send("sender@remote.test", ["live@example.test"], "From: sender@remote.test\r\nSubject: meanwhile\r\n\r\nhello\r\n");
          await c.quit();
          return r.code;
        })(),
      ]);
      expectOk(imported);
      expect(delivered).toBe(250);
      expect(await withStore(async (store) => (await store.accounts.listAccounts()).find((a) => a.address === "live@example.test")!.messageCount)).toBe(3);

      expectOk(await mailctl(["user", "passwd", "live@example.test", "--password-stdin"], { stdin: "second secret phrase\n" }));
      const auth = async (password: string) => {
        const c = await SmtpClient.open(port);
        try {
          await c.ehlo();
          return (await c.command(`AUTH PLAIN ${Buffer.from(`\0live@example.test\0${password}`).toString("base64")}`, 10_000)).code;
        } finally {
          await c.quit();
        }
      };
      expect(await auth("second secret phrase")).toBe(235);
      expect(await auth("first secret phrase")).toBe(535);

      // What was delivered while mailctl worked on the same database is intact.
      const stored = await withStore((store) => readMessages(store, "live@example.test"));
      expect(stored.map((m) => headerOf(m.raw, "Subject")).sort()).toEqual(["imported live", "meanwhile", "to a new account"]);
      expect(splitTrace(stored.find((m) => headerOf(m.raw, "Subject") === "meanwhile")!.raw).message.toString()).toBe(
        "From: sender@remote.test\r\nSubject: meanwhile\r\n\r\nhello\r\n",
      );
    } finally {
      server.kill("SIGTERM");
      expect(await server.waitExit()).toEqual({ code: 0, signal: null });
    }
  });
});
