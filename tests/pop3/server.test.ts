// The bundled POP3 server (RFC 1939, RFC 2449 CAPA and response codes, RFC 5034 SASL, RFC 2595
// STLS) over real sockets on SQLite and PostgreSQL: a raw client for exact replies, Python's
// poplib and curl for interop, and the IMAP view of the same INBOX.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pop3Client } from "../helpers/pop3";
import { runProgram, runPython, startImapServer, waitFor, type ImapTestServer, type TestAccount } from "../helpers/imap";
import { PROVIDERS } from "../helpers/store";

const message = (n: number, extra = "") => Buffer.from(`From: sender@example.test\r\nSubject: message ${n}\r\nMessage-ID: <${n}.pop3@example.test>\r\n\r\nbody of ${n}\r\n.starts with a dot\r\n${extra}`);

async function login(port: number, account: TestAccount, options: { tls?: boolean } = {}) {
  const client = await Pop3Client.connect(port, options);
  expect((await client.command(`USER ${account.address}`)).status).toMatch(/^\+OK/);
  const pass = await client.command(`PASS ${account.password}`);
  expect(pass.status).toMatch(/^\+OK/);
  return client;
}

describe.each(PROVIDERS)("POP3 server on %s", (provider) => {
  let t: ImapTestServer;
  let port: number;

  beforeAll(async () => {
    t = await startImapServer({ provider });
    port = t.server.port("pop3");
  });
  afterAll(async () => t?.cleanup());

  /** An account with n messages in INBOX. */
  const filled = async (n: number) => {
    const account = await t.account("pop");
    for (let i = 1; i <= n; i++) await t.put(account, message(i));
    return account;
  };

  it("greets, and lists its capabilities before and after login (RFC 2449)", async () => {
    const account = await filled(0);
    const client = await Pop3Client.connect(port);
    expect(client.greeting).toMatch(/^\+OK /);
    const before = await client.command("CAPA", true);
    for (const cap of ["TOP", "UIDL", "USER", "SASL PLAIN LOGIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER", "LOGIN-DELAY 0", "STLS"]) expect(before.lines).toContain(cap);
    expect(before.lines.some((line) => line.startsWith("IMPLEMENTATION "))).toBe(true);
    await client.command(`USER ${account.address}`);
    await client.command(`PASS ${account.password}`);
    const after = await client.command("CAPA", true);
    expect(after.lines).not.toContain("STLS");
    expect(after.lines).not.toContain("USER");
    expect(after.lines).toContain("EXPIRE NEVER");
    expect((await client.command("QUIT")).status).toMatch(/^\+OK/);
  });

  it("lists, retrieves (dot-stuffed) and tops messages, with UIDLs that stay the same across sessions", async () => {
    const account = await filled(3);
    const inbox = (await t.store.folders.get(account.id, "INBOX"))!;
    const client = await login(port, account);
    const stat = await client.command("STAT");
    const sizes = [1, 2, 3].map((n) => message(n).length);
    expect(stat.status).toBe(`+OK 3 ${sizes.reduce((a, b) => a + b)}`);
    expect((await client.command("LIST", true)).lines).toEqual(sizes.map((size, i) => `${i + 1} ${size}`));
    expect((await client.command("LIST 2")).status).toBe(`+OK 2 ${sizes[1]}`);
    expect((await client.command("LIST 4")).status).toMatch(/^-ERR/);
    const uidl = (await client.command("UIDL", true)).lines;
    expect(uidl).toEqual([1, 2, 3].map((n) => `${n} ${inbox.uidValidity}.${n}`));
    const retr = await client.command("RETR 2", true);
    expect(retr.status).toBe(`+OK ${sizes[1]} octets`);
    expect(`${retr.lines.join("\r\n")}\r\n`).toBe(message(2).toString());
    const top = await client.command("TOP 1 1", true);
    expect(top.lines).toEqual(["From: sender@example.test", "Subject: message 1", "Message-ID: <1.pop3@example.test>", "", "body of 1"]);
    expect((await client.command("TOP 1", true)).status).toMatch(/^-ERR/);
    await client.command("QUIT");
    const again = await login(port, account);
    expect((await again.command("UIDL", true)).lines).toEqual(uidl);
    expect((await again.command("UIDL 3")).status).toBe(`+OK 3 ${inbox.uidValidity}.3`);
    await again.command("QUIT");
  });

  it("retrieves every message whatever order the client takes, around deleted ones and large ones kept in files", async () => {
    // Over the read-ahead's 32-message and 256 KB runs; two messages are over INLINE_LIMIT.
    const big = (n: number) => (n === 7 || n === 30 ? `${"a long line of the large message\r\n".repeat(5000)}` : "");
    const account = await t.account("pop");
    for (let n = 1; n <= 45; n++) await t.put(account, message(n, big(n)));
    const client = await login(port, account);
    const retrieve = async (n: number) => {
      const retr = await client.command(`RETR ${n}`, true);
      expect(retr.status, `RETR ${n}`).toMatch(/^\+OK/);
      expect(`${retr.lines.join("\r\n")}\r\n`, `RETR ${n}`).toBe(message(n, big(n)).toString());
    };
    for (let n = 1; n <= 45; n++) await retrieve(n);
    for (const n of [3, 4, 31]) expect((await client.command(`DELE ${n}`)).status).toMatch(/^\+OK/);
    for (let n = 45; n >= 1; n--) if (![3, 4, 31].includes(n)) await retrieve(n);
    for (const n of [17, 2, 44, 30, 5, 6, 7, 40]) await retrieve(n);
    expect((await client.command("RETR 4")).status).toMatch(/^-ERR/);
    const top = await client.command("TOP 30 0", true);
    expect(top.lines.slice(0, 2)).toEqual(["From: sender@example.test", "Subject: message 30"]);
    await client.command("QUIT");
  });

  it("deletes at QUIT only, for good (not to Trash), and an IMAP session on the INBOX is told", async () => {
    const account = await filled(3);
    const imap = await t.selected(account);
    const client = await login(port, account);
    expect((await client.command("DELE 1")).status).toMatch(/^\+OK/);
    expect((await client.command("DELE 1")).status).toMatch(/^-ERR/);
    expect((await client.command("RETR 1")).status).toMatch(/^-ERR/);
    expect((await client.command("LIST", true)).lines.map((l) => l.split(" ")[0])).toEqual(["2", "3"]);
    expect((await client.command("STAT")).status).toMatch(/^\+OK 2 /);
    expect((await client.command("RSET")).status).toMatch(/^\+OK/);
    expect((await client.command("STAT")).status).toMatch(/^\+OK 3 /);
    await client.command("DELE 1");
    await client.command("DELE 3");
    // Nothing changed yet.
    expect((await t.store.messages.list((await t.store.folders.get(account.id, "INBOX"))!.id)).length).toBe(3);
    expect((await client.command("QUIT")).status).toMatch(/^\+OK/);
    const inbox = (await t.store.folders.get(account.id, "INBOX"))!.id;
    expect((await t.store.messages.list(inbox)).map((m) => m.uid)).toEqual([2]);
    expect((await t.store.messages.list((await t.store.folders.get(account.id, "Trash"))!.id)).length).toBe(0);
    const noop = await imap.ok("NOOP");
    expect(noop.untagged).toEqual(expect.arrayContaining(["* 3 EXPUNGE", "* 1 EXPUNGE"]));
    await imap.logout();
  });

  it("deletes nothing when the connection drops without QUIT, and marks retrieved messages seen only at QUIT", async () => {
    const account = await filled(2);
    const inbox = (await t.store.folders.get(account.id, "INBOX"))!.id;
    const client = await login(port, account);
    await client.command("RETR 1", true);
    await client.command("DELE 1");
    await client.command("DELE 2");
    client.destroy();
    // The lock is released once the server notices; the maildrop is whole.
    const next = await waitFor(async () => {
      const attempt = await Pop3Client.connect(port);
      await attempt.command(`USER ${account.address}`);
      const reply = await attempt.command(`PASS ${account.password}`);
      if (reply.status.startsWith("+OK")) return attempt;
      attempt.destroy();
      return undefined;
    }, 5000, "the maildrop lock to be released");
    expect((await next.command("STAT")).status).toMatch(/^\+OK 2 /);
    expect((await t.store.messages.list(inbox)).every((m) => !m.flags.includes("\\Seen"))).toBe(true);
    await next.command("RETR 2", true);
    await next.command("QUIT");
    expect((await t.store.messages.list(inbox)).map((m) => [m.uid, m.flags.includes("\\Seen")])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it("locks the maildrop: a second session gets [IN-USE] until the first quits", async () => {
    const account = await filled(1);
    const first = await login(port, account);
    const second = await Pop3Client.connect(port);
    await second.command(`USER ${account.address}`);
    expect((await second.command(`PASS ${account.password}`)).status).toMatch(/^-ERR \[IN-USE\]/);
    await first.command("QUIT");
    await second.command(`USER ${account.address}`);
    expect((await second.command(`PASS ${account.password}`)).status).toMatch(/^\+OK/);
    await second.command("QUIT");
  });

  it("authenticates with AUTH PLAIN (with and without initial response) and AUTH LOGIN; * cancels", async () => {
    const account = await filled(1);
    const plain = Buffer.from(`\0${account.address}\0${account.password}`).toString("base64");
    const a = await Pop3Client.connect(port);
    expect((await a.command(`AUTH PLAIN ${plain}`)).status).toMatch(/^\+OK/);
    await a.command("QUIT");
    const b = await Pop3Client.connect(port);
    expect((await b.command("AUTH PLAIN")).status).toBe("+ ");
    expect((await b.command("*")).status).toMatch(/^-ERR/);
    expect((await b.command("AUTH PLAIN")).status).toBe("+ ");
    expect((await b.command(plain)).status).toMatch(/^\+OK/);
    await b.command("QUIT");
    const c = await Pop3Client.connect(port);
    expect((await c.command("AUTH LOGIN")).status).toBe("+ VXNlcm5hbWU6");
    expect((await c.command(Buffer.from(account.address).toString("base64"))).status).toBe("+ UGFzc3dvcmQ6");
    expect((await c.command(Buffer.from(account.password).toString("base64"))).status).toMatch(/^\+OK/);
    await c.command("QUIT");
  });

  it("refuses wrong passwords with [AUTH] and closes after three", async () => {
    const account = await filled(0);
    const client = await Pop3Client.connect(port);
    for (let i = 0; i < 3; i++) {
      await client.command(`USER ${account.address}`);
      expect((await client.command("PASS wrong password here", false, 20_000)).status).toMatch(/^-ERR \[AUTH\]/);
    }
    await waitFor(() => client.closed, 5000, "the connection to close");
  }, 30_000);

  it("answers pipelined commands in order, and hostile lines with -ERR without dying", async () => {
    const account = await filled(2);
    const client = await Pop3Client.connect(port);
    client.send(`USER ${account.address}\r\nPASS ${account.password}\r\nSTAT\r\nLIST 1\r\nUIDL 2\r\nNOOP\r\n`);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await client.reply()).status);
    expect(statuses.map((s) => s.split(" ")[0])).toEqual(["+OK", "+OK", "+OK", "+OK", "+OK", "+OK"]);
    expect((await client.command(`RETR ${"9".repeat(500)}`)).status).toMatch(/^-ERR/);
    expect((await client.command("RETR -1")).status).toMatch(/^-ERR/);
    expect((await client.command("XYZZ")).status).toMatch(/^-ERR/);
    expect((await client.command("\u0000\u00ff\u0001")).status).toMatch(/^-ERR/);
    expect((await client.command("STAT")).status).toMatch(/^\+OK 2 /);
    await client.command("QUIT");
    const flood = await Pop3Client.connect(port);
    flood.send("BAD\r\n".repeat(20));
    await waitFor(() => flood.closed, 5000, "a connection sending only junk to be closed");
  });

  it("speaks STLS and implicit TLS (POP3S)", async () => {
    const account = await filled(1);
    const plain = await Pop3Client.connect(port);
    expect((await plain.stls()).status).toMatch(/^\+OK/);
    await plain.command(`USER ${account.address}`);
    expect((await plain.command(`PASS ${account.password}`)).status).toMatch(/^\+OK/);
    await plain.command("QUIT");
    const secure = await login(t.server.port("pop3s"), account, { tls: true });
    expect((await secure.command("STAT")).status).toMatch(/^\+OK 1 /);
    await secure.command("QUIT");
  });

  it("serves Python's poplib: stat, list, uidl, retr, top, dele, quit", async () => {
    const account = await filled(3);
    const result = await runPython(
      String.raw`
import json, os, poplib
P = poplib.POP3("127.0.0.1", int(os.environ["PORT"]), timeout=10)
P.user(os.environ["USER_NAME"]); P.pass_(os.environ["PASSWORD"])
out = {"stat": list(P.stat()), "list": [x.decode() for x in P.list()[1]], "uidl": [x.decode() for x in P.uidl()[1]]}
out["retr"] = [x.decode() for x in P.retr(2)[1]]
out["top"] = [x.decode() for x in P.top(3, 0)[1]]
P.dele(1)
out["quit"] = P.quit().decode()
print(json.dumps(out))
`,
      { env: { PORT: String(port), USER_NAME: account.address, PASSWORD: account.password }, timeoutMs: 20_000 },
    );
    const out = JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}") as { stat: number[]; list: string[]; uidl: string[]; retr: string[]; top: string[]; quit: string };
    expect(out.stat[0]).toBe(3);
    expect(out.list).toHaveLength(3);
    expect(out.uidl).toHaveLength(3);
    expect(out.retr).toContain(".starts with a dot");
    expect(out.retr).toContain("Subject: message 2");
    expect(out.top.at(-1)).toBe("");
    expect(out.quit).toMatch(/^\+OK/);
    expect((await t.store.messages.list((await t.store.folders.get(account.id, "INBOX"))!.id)).map((m) => m.uid)).toEqual([2, 3]);
  });

  it("serves curl pop3://: a listing and a message", async () => {
    const account = await filled(2);
    const url = `pop3://127.0.0.1:${port}`;
    const auth = ["--user", `${account.address}:${account.password}`];
    const listing = await runProgram("curl", ["-s", "--max-time", "10", ...auth, `${url}/`]);
    expect(listing.stdout.trim().split(/\r?\n/)).toEqual([`1 ${message(1).length}`, `2 ${message(2).length}`]);
    const retr = await runProgram("curl", ["-s", "--max-time", "10", ...auth, `${url}/2`]);
    expect(retr.stdout).toBe(message(2).toString());
  });
});

describe("POP3 EXPIRE", () => {
  it("with POP3_EXPIRE=0 removes what was retrieved at QUIT and says EXPIRE 0", async () => {
    const t = await startImapServer({ env: { POP3_EXPIRE: "0" } });
    try {
      const account = await t.account("expire0");
      for (let i = 1; i <= 2; i++) await t.put(account, message(i));
      const client = await login(t.server.port("pop3"), account);
      expect((await client.command("CAPA", true)).lines).toContain("EXPIRE 0");
      await client.command("RETR 2", true);
      await client.command("QUIT");
      expect((await t.store.messages.list((await t.store.folders.get(account.id, "INBOX"))!.id)).map((m) => m.uid)).toEqual([1]);
    } finally {
      await t.cleanup();
    }
  });

  it("with POP3_EXPIRE=3 removes, at login, messages retrieved more than 3 days ago, and keeps the others", async () => {
    const t = await startImapServer({ env: { POP3_EXPIRE: "3" } });
    try {
      const account = await t.account("expire3");
      for (let i = 1; i <= 3; i++) await t.put(account, message(i));
      const port = t.server.port("pop3");
      const inbox = (await t.store.folders.get(account.id, "INBOX"))!.id;
      const first = await login(port, account);
      expect((await first.command("CAPA", true)).lines).toContain("EXPIRE 3");
      await first.command("RETR 1", true);
      await first.command("RETR 2", true);
      await first.command("QUIT");
      // Message 1 was retrieved four days ago, message 2 just now.
      await t.store.sql.query(`UPDATE "MailboxMessage" SET "pop3RetrievedAt" = ? WHERE "mailboxId" = ? AND "uid" = ?`, [new Date(Date.now() - 4 * 86_400_000), inbox, 1]);
      const second = await login(port, account);
      expect((await second.command("UIDL", true)).lines.map((line) => line.split(".").pop())).toEqual(["2", "3"]);
      await second.command("QUIT");
      expect((await t.store.messages.list(inbox)).map((m) => m.uid)).toEqual([2, 3]);
    } finally {
      await t.cleanup();
    }
  });
});
