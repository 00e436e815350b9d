// The webmail's POP3 fetcher (lib/user-agent/pop3) with real servers on loopback: the external account
// on our own POP3 server (STLS, implicit TLS) and on a private Dovecot POP3; the target mailbox on our
// server, checked over IMAP. Retention (keep, delete, after N days), nothing fetched twice across runs,
// a failure between RETR and the record (the next run fetches it), and failures in words.
import { randomBytes } from "node:crypto";
import { chownSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));

import { openDatabase, type Database, type Prisma } from "@/lib/db";
import type { ImapEndpoint } from "@/lib/user-agent/imap/endpoint";
import { addAccount, editAccount, listAccounts, parseSettings, unsealAccountPasswords, type AccountSettings, type ExternalPop3Account } from "@/lib/user-agent/pop3/accounts";
import type { TlsMode } from "@/lib/user-agent/pop3/connection";
import { fetchAccount, imapTarget, type FetchOptions, type OpenTarget } from "@/lib/user-agent/pop3/fetch";
import { FetchService } from "@/lib/user-agent/pop3/service";
import { crlf, startImapServer, textMessage, waitFor, type ImapTestServer, type TestAccount } from "../helpers/imap";
import { Pop3Client } from "../helpers/pop3";
import { PROVIDERS } from "../helpers/store";
import { dovecotAvailable, launchDovecot, makeDovecotDir, NOBODY, writeDovecotConfig, type DovecotDir, type RunningDovecot } from "../support/dovecot";
import { freePort } from "../support/postfix";

const KEY = randomBytes(32);
const DAY_MS = 86_400_000;
const DOVECOT_USERS = Array.from({ length: 8 }, (_, i) => ({ user: `ext${i}`, password: `secret ${i}`, scheme: "PLAIN" }));

/** An external POP3 mailbox: where it is, and how a test fills and counts it. */
interface External {
  host: string;
  port: number;
  tls: TlsMode;
  user: string;
  password: string;
  put(raw: Buffer): Promise<void>;
  /** STAT's message count, by a separate POP3 session. */
  count(): Promise<number>;
}

interface Side {
  name: string;
  external(): Promise<External>;
}

let t: ImapTestServer;
let database: Database;
let prisma: Prisma;
let dovecotDir: DovecotDir | null = null;
let dovecot: RunningDovecot | null = null;
let dovecotPop3Port = 0;
let dovecotPop3sPort = 0;
let dovecotUsers = 0;
let dovecotFiles = 0;

beforeAll(async () => {
  t = await startImapServer();
  database = openDatabase(t.config);
  prisma = await database.prisma();
  if (!dovecotAvailable()) throw new Error("Dovecot is needed here, as root: apt-get install -y dovecot-imapd dovecot-pop3d (npm test does it)");
  dovecotDir = makeDovecotDir("fetcher-dovecot-", DOVECOT_USERS);
  const imapPort = await freePort();
  dovecotPop3Port = await freePort();
  dovecotPop3sPort = await freePort();
  // Dovecot gets our test server's self-signed certificate, so the fetcher's STLS and implicit TLS
  // are tried against a POP3 server nobody here wrote (the fetcher accepts self-signed only on loopback).
  const tlsDir = join(t.config.dataDir, "tls");
  const config = writeDovecotConfig(dovecotDir, imapPort, [
    "protocols = imap pop3",
    "ssl = yes",
    `ssl_cert = <${join(tlsDir, "cert.pem")}`,
    `ssl_key = <${join(tlsDir, "key.pem")}`,
    `service pop3-login {\n  inet_listener pop3 {\n    address = 127.0.0.1\n    port = ${dovecotPop3Port}\n  }\n  inet_listener pop3s {\n    address = 127.0.0.1\n    port = ${dovecotPop3sPort}\n    ssl = yes\n  }\n}`,
  ]);
  dovecot = await launchDovecot(dovecotDir, config, imapPort);
});

afterAll(async () => {
  await database?.close();
  await t?.cleanup();
  await dovecot?.stop();
  if (dovecotDir) rmSync(dovecotDir.dir, { recursive: true, force: true });
});

async function stat(port: number, user: string, password: string, tls: boolean): Promise<number> {
  const client = await Pop3Client.connect(port, { tls });
  try {
    await client.command(`USER ${user}`);
    const pass = await client.command(`PASS ${password}`);
    if (!pass.status.startsWith("+OK")) throw new Error(pass.status);
    const reply = await client.command("STAT");
    await client.command("QUIT");
    return Number(reply.status.split(" ")[1]);
  } finally {
    client.destroy();
  }
}

const OURS_STLS: Side = {
  name: "our POP3 server (STLS)",
  async external() {
    const account = await t.account("ext");
    return {
      host: "127.0.0.1",
      port: t.server.port("pop3"),
      tls: "starttls",
      user: account.address,
      password: account.password,
      put: async (raw) => void (await t.put(account, raw)),
      count: () => stat(t.server.port("pop3s"), account.address, account.password, true),
    };
  },
};

const DOVECOT: Side = {
  name: "Dovecot POP3 (STLS)",
  async external() {
    const { user, password } = DOVECOT_USERS[dovecotUsers++];
    const dir = dovecotDir!;
    const port = dovecotPop3Port;
    return {
      host: "127.0.0.1",
      port,
      tls: "starttls",
      user,
      password,
      async put(raw) {
        const file = join(dir.maildir(user), "new", `${Date.now()}.M${++dovecotFiles}P${process.pid}.fetcher`);
        writeFileSync(file, raw);
        chownSync(file, NOBODY, NOBODY);
      },
      count: () => stat(port, user, password, false),
    };
  },
};

function ownEndpoint(): ImapEndpoint {
  return { host: "127.0.0.1", port: t.imapPort, secure: false, requireStartTls: false, loopback: true, acceptSelfSigned: false };
}

async function addExternal(owner: TestAccount, external: External, settings: Partial<AccountSettings> = {}, password = external.password): Promise<ExternalPop3Account> {
  return addAccount(
    prisma,
    { owner: owner.address, ownerPassword: owner.password, key: KEY },
    { host: external.host, port: external.port, tls: external.tls, user: external.user, folder: "INBOX", retention: "keep", retentionDays: 0, ...settings },
    password,
  );
}

async function fetchOnce(id: number, options: Partial<FetchOptions> = {}) {
  const account = await prisma.externalPop3Account.findUniqueOrThrow({ where: { id } });
  return fetchAccount(prisma, account, {
    key: KEY,
    maxMessageSize: t.config.maxMessageSize,
    idleTimeoutMs: 5_000,
    deadline: Date.now() + 60_000,
    openTarget: imapTarget(ownEndpoint()),
    ...options,
  });
}

/** The owner's messages in a folder over IMAP: subject → raw bytes. */
async function mailbox(owner: TestAccount, folder = "INBOX"): Promise<Map<string, Buffer>> {
  const client = await t.imapflow(owner);
  try {
    const lock = await client.getMailboxLock(folder);
    const out = new Map<string, Buffer>();
    try {
      if (client.mailbox && client.mailbox.exists > 0) {
        for await (const message of client.fetch("1:*", { envelope: true, source: true })) {
          const subject = message.envelope?.subject ?? "";
          if (out.has(subject)) throw new Error(`"${subject}" is in ${folder} twice`);
          out.set(subject, message.source ?? Buffer.alloc(0));
        }
      }
    } finally {
      lock.release();
    }
    return out;
  } finally {
    await client.logout();
  }
}

const sorted = (map: Map<string, Buffer>) => [...map.keys()].sort();

describe.each([OURS_STLS, DOVECOT])("fetching from $name", (side) => {
  it("keeps the messages on the server, byte for byte in the mailbox, and never fetches one twice", async () => {
    const owner = await t.account("owner");
    const external = await side.external();
    // A line that starts with a dot (stuffed on the wire) and 8-bit text that is not UTF-8.
    const tricky = Buffer.concat([crlf("Subject: tricky\nMessage-ID: <tricky@remote.test>\n\n.leading dot\n..two dots\n"), Buffer.from("caf\xe9\r\n", "latin1")]);
    await external.put(textMessage("one"));
    await external.put(textMessage("two"));
    await external.put(tricky);
    const account = await addExternal(owner, external);

    const first = await fetchOnce(account.id);
    expect(first).toMatchObject({ fetched: 3, deleted: 0, error: "" });
    const inbox = await mailbox(owner);
    expect(sorted(inbox)).toEqual(["one", "tricky", "two"]);
    expect(inbox.get("tricky")!.equals(tricky)).toBe(true);
    expect(await external.count()).toBe(3);

    expect(await fetchOnce(account.id)).toMatchObject({ fetched: 0, error: "" });
    await external.put(textMessage("three"));
    expect(await fetchOnce(account.id)).toMatchObject({ fetched: 1, error: "" });
    expect(sorted(await mailbox(owner))).toEqual(["one", "three", "tricky", "two"]);
    const row = await prisma.externalPop3Account.findUniqueOrThrow({ where: { id: account.id } });
    expect(row).toMatchObject({ lastCount: 1, lastError: "" });
    expect(row.lastRunAt).not.toBeNull();
  });

  it("deletes each message after appending it, into the folder chosen", async () => {
    const owner = await t.account("owner");
    const external = await side.external();
    await external.put(textMessage("gone one"));
    await external.put(textMessage("gone two"));
    const account = await addExternal(owner, external, { retention: "delete", folder: "Archive" });
    expect(await fetchOnce(account.id)).toMatchObject({ fetched: 2, deleted: 2, error: "" });
    expect(await external.count()).toBe(0);
    expect(sorted(await mailbox(owner, "Archive"))).toEqual(["gone one", "gone two"]);
    expect(await mailbox(owner)).toEqual(new Map());
    expect(await prisma.fetchedUidl.count({ where: { accountId: account.id } })).toBe(2);
    // The next run finds them gone from the server: their records go too.
    expect(await fetchOnce(account.id)).toMatchObject({ fetched: 0, deleted: 0, error: "" });
    expect(await prisma.fetchedUidl.count({ where: { accountId: account.id } })).toBe(0);
  });

  it("deletes a message N days after it was first fetched", async () => {
    const owner = await t.account("owner");
    const external = await side.external();
    await external.put(textMessage("aging"));
    const account = await addExternal(owner, external, { retention: "days", retentionDays: 3 });
    const start = Date.now();
    const at = (days: number) => () => new Date(start + days * DAY_MS);
    expect(await fetchOnce(account.id, { now: at(0) })).toMatchObject({ fetched: 1, deleted: 0, error: "" });
    await external.put(textMessage("younger"));
    expect(await fetchOnce(account.id, { now: at(2) })).toMatchObject({ fetched: 1, deleted: 0, error: "" });
    expect(await external.count()).toBe(2);
    // Day 4: the first is 4 days old, the second 2.
    expect(await fetchOnce(account.id, { now: at(4) })).toMatchObject({ fetched: 0, deleted: 1, error: "" });
    expect(await external.count()).toBe(1);
    expect(await fetchOnce(account.id, { now: at(5) })).toMatchObject({ fetched: 0, deleted: 1, error: "" });
    expect(await external.count()).toBe(0);
    expect(sorted(await mailbox(owner))).toEqual(["aging", "younger"]);
  });

  it("records a message only after its APPEND: a failure after RETR loses nothing, and the next run fetches it", async () => {
    const owner = await t.account("owner");
    const external = await side.external();
    for (const subject of ["c1", "c2", "c3"]) await external.put(textMessage(subject));
    const account = await addExternal(owner, external, { retention: "delete" });
    const real = imapTarget(ownEndpoint());
    let appends = 0;
    // The second APPEND dies as a crash would: after the message was retrieved, before it was stored.
    const crashing: OpenTarget = async (user, password) => {
      const target = await real(user, password);
      return {
        append: async (folder, raw) => {
          if (++appends === 2) throw new Error("simulated crash during APPEND");
          await target.append(folder, raw);
        },
        close: () => target.close(),
      };
    };
    const broken = await fetchOnce(account.id, { openTarget: crashing });
    expect(broken).toMatchObject({ fetched: 1, deleted: 0, error: "protocol" });
    expect(broken.errorDetail).toContain("simulated crash");
    expect(await prisma.fetchedUidl.count({ where: { accountId: account.id } })).toBe(1);
    // No QUIT after a failure: nothing was deleted.
    expect(await external.count()).toBe(3);
    expect(sorted(await mailbox(owner))).toHaveLength(1);

    expect(await fetchOnce(account.id)).toMatchObject({ fetched: 2, deleted: 3, error: "" });
    expect(sorted(await mailbox(owner))).toEqual(["c1", "c2", "c3"]);
    expect(await external.count()).toBe(0);
  });

  it("says a wrong password in words, and records it", async () => {
    const owner = await t.account("owner");
    const external = await side.external();
    const account = await addExternal(owner, external, {}, "not the password");
    const result = await fetchOnce(account.id);
    expect(result).toMatchObject({ fetched: 0, error: "auth" });
    expect(result.errorDetail.length).toBeGreaterThan(0);
    expect(await prisma.externalPop3Account.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ lastError: "auth" });
  });
});

describe("fetching, other cases", () => {
  it("uses implicit TLS, and leaves a message over the size limit on the server", async () => {
    const owner = await t.account("owner");
    const external = await OURS_STLS.external();
    await external.put(textMessage("small"));
    await external.put(textMessage("big", { body: "x".repeat(5000) + "\n" }));
    const account = await addExternal(owner, { ...external, port: t.server.port("pop3s"), tls: "implicit" });
    expect(await fetchOnce(account.id, { maxMessageSize: 4000 })).toMatchObject({ fetched: 1, skipped: 1, error: "" });
    expect(sorted(await mailbox(owner))).toEqual(["small"]);
  });

  it("uses implicit TLS with Dovecot's POP3S (deleting there), and plain POP3 with it on loopback", async () => {
    const owner = await t.account("owner");
    const external = await DOVECOT.external();
    await external.put(textMessage("over pop3s"));
    const implicit = await addExternal(owner, { ...external, port: dovecotPop3sPort, tls: "implicit" }, { retention: "delete" });
    expect(await fetchOnce(implicit.id)).toMatchObject({ fetched: 1, error: "" });
    expect(await external.count()).toBe(0);
    await external.put(textMessage("in the clear"));
    const plain = await addExternal(owner, { ...external, tls: "none" });
    expect(await fetchOnce(plain.id)).toMatchObject({ fetched: 1, error: "" });
    expect(sorted(await mailbox(owner))).toEqual(["in the clear", "over pop3s"]);
  });

  it("names an unreachable host, a TLS failure and a silent server", async () => {
    const owner = await t.account("owner");
    const base = await OURS_STLS.external();
    const closed = await addExternal(owner, { ...base, port: await freePort() });
    expect(await fetchOnce(closed.id)).toMatchObject({ error: "unreachable" });
    // Implicit TLS to the plain port: the server's "+OK" greeting is no TLS handshake.
    const plain = await addExternal(owner, { ...base, tls: "implicit" });
    expect(await fetchOnce(plain.id)).toMatchObject({ error: "tls" });
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const address = silent.address();
      const quiet = await addExternal(owner, { ...base, tls: "none", port: typeof address === "object" && address ? address.port : 0 });
      const started = Date.now();
      expect(await fetchOnce(quiet.id, { idleTimeoutMs: 500 })).toMatchObject({ error: "timeout" });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      silent.close();
    }
  });

  it("reports the owner's own password refused by their mail server", async () => {
    const owner = await t.account("owner");
    const external = await OURS_STLS.external();
    await external.put(textMessage("waits"));
    const account = await addAccount(
      prisma,
      { owner: owner.address, ownerPassword: "an old password", key: KEY },
      { host: external.host, port: external.port, tls: external.tls, user: external.user, folder: "INBOX", retention: "keep", retentionDays: 0 },
      external.password,
    );
    expect(await fetchOnce(account.id)).toMatchObject({ fetched: 0, error: "owner-auth" });
    expect(await prisma.fetchedUidl.count({ where: { accountId: account.id } })).toBe(0);
  });
});

/**
 * A POP3 server that says what a test wants: one maildrop of raw messages (already CRLF), LIST sizes that
 * may lie, and each multi-line answer's lines written in pieces of `chunk` bytes. The status line goes out
 * whole (node-pop3 reads it from the start of one socket read); the terminator whole, or split in two
 * writes a moment apart (so that they arrive in two reads).
 */
async function scriptedPop3(messages: { raw: Buffer; listSize?: number }[], chunk: number, splitTerminator = false): Promise<{ port: number; close: () => void }> {
  const server: Server = createServer((socket) => {
    socket.on("error", () => undefined);
    const multi = (lines: Buffer) => {
      socket.write("+OK\r\n");
      const body = lines.subarray(0, -2);
      for (let at = 0; at < body.length; at += chunk) socket.write(body.subarray(at, at + chunk));
      if (!splitTerminator) socket.write("\r\n.\r\n");
      else {
        socket.write("\r\n.");
        setTimeout(() => socket.write("\r\n"), 30);
      }
    };
    socket.write("+OK ready\r\n");
    let buffered = "";
    socket.on("data", (data: Buffer) => {
      buffered += data.toString("latin1");
      for (let end = buffered.indexOf("\r\n"); end !== -1; end = buffered.indexOf("\r\n")) {
        const [verb, argument] = buffered.slice(0, end).split(" ");
        buffered = buffered.slice(end + 2);
        const listing = (value: (n: number) => string) => messages.map((_, i) => `${i + 1} ${value(i)}\r\n`).join("");
        if (verb === "UIDL") multi(Buffer.from(listing((i) => `scripted-${i}`)));
        else if (verb === "LIST") multi(Buffer.from(listing((i) => String(messages[i].listSize ?? messages[i].raw.length))));
        else if (verb === "RETR") {
          const raw = messages[Number(argument) - 1].raw;
          const stuffed = Buffer.from(raw.toString("latin1").replace(/^\./gm, ".."), "latin1");
          multi(stuffed);
        } else if (verb === "QUIT") socket.end("+OK bye\r\n");
        else socket.write("+OK\r\n");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { port: typeof address === "object" && address ? address.port : 0, close: () => server.close() };
}

describe("fetching from a scripted server", () => {
  it("reads messages that arrive in small pieces, and leaves one that is over the limit though LIST said it was not", async () => {
    const owner = await t.account("owner");
    const dotted = crlf("Subject: dotted\n\n.\n..\n.x\nend\n");
    const big = textMessage("big", { body: "y".repeat(3000) + "\n" });
    const server = await scriptedPop3([{ raw: big, listSize: 100 }, { raw: dotted }, { raw: textMessage("after") }], 7);
    try {
      const external: External = { host: "127.0.0.1", port: server.port, tls: "none", user: "u", password: "p", put: async () => undefined, count: async () => 0 };
      const account = await addExternal(owner, external);
      expect(await fetchOnce(account.id, { maxMessageSize: 2000 })).toMatchObject({ fetched: 2, skipped: 1, error: "" });
      const inbox = await mailbox(owner);
      expect(sorted(inbox)).toEqual(["after", "dotted"]);
      expect(inbox.get("dotted")!.equals(dotted)).toBe(true);
    } finally {
      server.close();
    }
  });

  it("finds the end of an answer whose terminator comes in two reads", async () => {
    const owner = await t.account("owner");
    const dotted = crlf("Subject: split\n\n.\nlast line\n");
    const server = await scriptedPop3([{ raw: dotted }, { raw: textMessage("second") }], 64, true);
    try {
      const external: External = { host: "127.0.0.1", port: server.port, tls: "none", user: "u", password: "p", put: async () => undefined, count: async () => 0 };
      const account = await addExternal(owner, external);
      const started = Date.now();
      expect(await fetchOnce(account.id, { idleTimeoutMs: 3_000 })).toMatchObject({ fetched: 2, error: "" });
      expect(Date.now() - started).toBeLessThan(2_500);
      const inbox = await mailbox(owner);
      expect(sorted(inbox)).toEqual(["second", "split"]);
      expect(inbox.get("split")!.equals(dotted)).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe("the account settings", () => {
  const form = { host: "pop.example.org", port: 995, tls: "implicit", user: "me", folder: "", retention: "keep" };

  it("takes a form's settings, and refuses plain text to anything but this machine", () => {
    expect(parseSettings(form)).toEqual({ host: "pop.example.org", port: 995, tls: "implicit", user: "me", folder: "INBOX", retention: "keep", retentionDays: 0 });
    expect(parseSettings({ ...form, retention: "days", retentionDays: "7" })).toMatchObject({ retention: "days", retentionDays: 7 });
    expect(parseSettings({ ...form, tls: "none" })).toMatch(/only to this machine/);
    expect(parseSettings({ ...form, tls: "none", host: "127.0.0.1" })).toMatchObject({ tls: "none" });
    for (const bad of [{ host: "a b" }, { port: 0 }, { port: 70000 }, { tls: "ssl" }, { user: "me\r\nDELE 1" }, { retention: "days", retentionDays: 0 }, { folder: "a\nb" }]) {
      expect(parseSettings({ ...form, ...bad })).toEqual(expect.any(String));
    }
  });

  it("edits an account: the password stays unless given, another server forgets what was fetched, and only the owner's", async () => {
    const owner = await t.account("owner");
    const sealer = { owner: owner.address, ownerPassword: owner.password, key: KEY };
    const settings: AccountSettings = { host: "127.0.0.1", port: 110, tls: "none", user: "me", folder: "INBOX", retention: "keep", retentionDays: 0 };
    const account = await addAccount(prisma, sealer, settings, "first");
    await prisma.fetchedUidl.create({ data: { accountId: account.id, uidl: "u1" } });

    const renamed = await editAccount(prisma, sealer, account.id, { ...settings, folder: "Archive" }, null);
    expect(renamed).toMatchObject({ folder: "Archive" });
    expect(unsealAccountPasswords(renamed!, KEY)).toEqual({ password: "first", ownerPassword: owner.password });
    expect(await prisma.fetchedUidl.count({ where: { accountId: account.id } })).toBe(1);

    const moved = await editAccount(prisma, sealer, account.id, { ...settings, host: "localhost" }, "second");
    expect(unsealAccountPasswords(moved!, KEY)?.password).toBe("second");
    expect(await prisma.fetchedUidl.count({ where: { accountId: account.id } })).toBe(0);

    // Another user can neither edit it nor open its passwords as theirs.
    const stranger = await t.account("stranger");
    expect(await editAccount(prisma, { owner: stranger.address, ownerPassword: stranger.password, key: KEY }, account.id, settings, null)).toBeNull();
    expect(await listAccounts(prisma, stranger.address)).toEqual([]);
    expect(unsealAccountPasswords({ ...moved!, owner: stranger.address }, KEY)).toBeNull();
  });
});

describe.each(PROVIDERS)("the fetch service on %s", (provider) => {
  let server: ImapTestServer;
  let serverDatabase: Database;
  let db: Prisma;
  let service: FetchService;

  beforeAll(async () => {
    server = await startImapServer({ provider, env: { POP3_FETCH_INTERVAL: "1s" } });
    serverDatabase = openDatabase(server.config);
    db = await serverDatabase.prisma();
    const endpoint: ImapEndpoint = { host: "127.0.0.1", port: server.imapPort, secure: false, requireStartTls: false, loopback: true, acceptSelfSigned: false };
    service = new FetchService({ database: async () => db, key: KEY, config: server.config, openTarget: imapTarget(endpoint) });
  });
  afterAll(async () => {
    await service?.stop();
    await serverDatabase?.close();
    await server?.cleanup();
  });

  /** An owner, and an account of theirs on this server's POP3 holding one message. */
  async function fetching(subject: string) {
    const owner = await server.account("owner");
    const external = await server.account("ext");
    await server.put(external, textMessage(subject));
    const account = await addAccount(
      db,
      { owner: owner.address, ownerPassword: owner.password, key: KEY },
      { host: "127.0.0.1", port: server.server.port("pop3"), tls: "starttls", user: external.address, folder: "INBOX", retention: "keep", retentionDays: 0 },
      external.password,
    );
    return { owner, account };
  }

  /** When the account was last fetched; undefined (what waitFor waits through) before that. */
  const lastRun = async (id: number) => (await db.externalPop3Account.findUniqueOrThrow({ where: { id } })).lastRunAt ?? undefined;

  it("runs one fetch per account at a time: a second check joins it, and another process's lease keeps it out", async () => {
    const { owner, account } = await fetching("once");
    const [first, second] = await Promise.all([service.check(account.id), service.check(account.id)]);
    expect(first).toBe(second);
    expect(first).toMatchObject({ fetched: 1, error: "" });
    expect(service.progressOf(account.id)).toBeNull();

    await db.externalPop3Account.update({ where: { id: account.id }, data: { lockedUntil: new Date(Date.now() + 60_000) } });
    expect(await service.check(account.id)).toBeNull();
    const client = await server.imapflow(owner);
    expect(await client.status("INBOX", { messages: true })).toMatchObject({ messages: 1 });
    await client.logout();
  });

  it("fetches in the background every POP3_FETCH_INTERVAL the accounts that are due", async () => {
    const { account } = await fetching("scheduled");
    expect(await lastRun(account.id)).toBeUndefined();
    service.start();
    try {
      const first = await waitFor(() => lastRun(account.id), 10_000, "the first scheduled fetch");
      expect(await db.externalPop3Account.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ lastCount: 1, lastError: "" });
      // And again an interval later.
      await waitFor(async () => ((await lastRun(account.id)) ?? first) > first, 10_000, "the next scheduled fetch");
    } finally {
      await service.stop();
    }
  });
});
