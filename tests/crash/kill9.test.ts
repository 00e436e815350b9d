// "250 means stored" (ARCHITECTURE, Invariants), tested the hard way: the real mail server
// runs as its own process under a load of concurrent SMTP clients and is killed with SIGKILL
// in the middle, three times at different moments, and restarted on the same data each time.
// Then, through the store: every message that got 250 is in the INBOX exactly once and byte
// for byte intact; a message that did not get 250 is either absent or complete (its 250 may
// have been lost in flight), never truncated; UIDs are unique and grow in delivery order; the
// mailbox and account counters agree with the rows; and the restarted server takes new mail.
//
// SIGKILL loses the process, not the kernel's page cache, so this tests the commit logic
// (nothing acknowledged before its commit, nothing visible before it is whole), not fsync.
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import { MailStore } from "@/lib/mail-server/store";
import { headerOf, SmtpClient, splitTrace } from "../helpers/smtp";
import { PROVIDERS, type Provider } from "../helpers/store";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { ALL_PORTS_OFF, freePort, killAll, removeTempDirs, runScript, startServerProcess, tempDir, type ScriptProcess } from "../cli/processes";

const ADDRESS = "user@crash.test";
const PASSWORD = "crash test dummy password";
const CLIENTS = 20;
/** How long the load runs before each SIGKILL: three different moments. */
const KILL_AFTER_MS = [1500, 400, 1000];

interface Sent {
  id: string;
  round: number;
  client: number;
  /** Position in its client's sequence (one connection per client and round). */
  seq: number;
  bytes: Buffer;
  /** "250" when acknowledged; "lost" when the connection died first; else the reply code. */
  outcome: "pending" | "250" | "lost" | string;
}

/** A message with a unique Message-ID; the body has lines starting with dots (dot-stuffing) and varies in size. */
function makeMessage(id: string, size: number): Buffer {
  const head =
    `From: Load <load@client.test>\r\nTo: <${ADDRESS}>\r\nSubject: crash ${id}\r\nMessage-ID: <${id}@client.test>\r\n` +
    `Date: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n`;
  const lines: string[] = [`body of ${id}`, ".a line that starts with a dot", "..two dots", "."];
  let length = head.length;
  while (length < size) {
    const line = randomBytes(57).toString("base64");
    lines.push(line);
    length += line.length + 2;
  }
  lines.push(`end of ${id}`);
  return Buffer.from(head + lines.join("\r\n") + "\r\n", "latin1");
}

/** Mostly small messages, some of 64-300 KB so that a kill can land while one is being received or written. */
function messageSize(): number {
  const r = Math.random();
  if (r < 0.05) return 64_000 + Math.floor(Math.random() * 240_000);
  if (r < 0.3) return 4_000 + Math.floor(Math.random() * 30_000);
  return 300 + Math.floor(Math.random() * 2_000);
}

/** One client: one connection, messages one after the other until the connection dies. */
async function loadClient(port: number, round: number, client: number, sent: Sent[]): Promise<void> {
  let smtp: SmtpClient;
  try {
    smtp = await SmtpClient.open(port);
    await smtp.ehlo(`load${client}.client.test`);
  } catch {
    return;
  }
  try {
    for (let seq = 0; ; seq++) {
      const id = `r${round}c${client}s${seq}.${randomBytes(4).toString("hex")}`;
      const entry: Sent = { id, round, client, seq, bytes: makeMessage(id, messageSize()), outcome: "pending" };
      sent.push(entry);
      try {
        const reply = await smtp.send("load@client.test", [ADDRESS], entry.bytes);
        entry.outcome = reply.code === 250 ? "250" : String(reply.code);
        if (reply.code !== 250) return;
      } catch {
        entry.outcome = "lost";
        return;
      }
    }
  } finally {
    smtp.destroy();
  }
}

async function sendOne(port: number, round: number, sent: Sent[]): Promise<void> {
  const id = `probe${round}.${randomBytes(4).toString("hex")}`;
  const entry: Sent = { id, round, client: -1, seq: 0, bytes: makeMessage(id, 1000), outcome: "pending" };
  sent.push(entry);
  const smtp = await SmtpClient.open(port);
  try {
    await smtp.ehlo();
    const reply = await smtp.send("probe@client.test", [ADDRESS], entry.bytes);
    entry.outcome = reply.code === 250 ? "250" : String(reply.code);
    expect(reply.code, `the restarted server refused new mail: ${reply.raw}`).toBe(250);
  } finally {
    await smtp.quit();
  }
}

/** Checks the store against what was sent; returns a summary for the log. */
async function verify(env: Record<string, string>, sent: Sent[]): Promise<{ stored: number; acked: number; unackedStored: number }> {
  const store = await MailStore.open(loadConfig(env));
  const problems: string[] = [];
  try {
    const prisma = await store.db.prisma();
    const account = await prisma.account.findUniqueOrThrow({ where: { addressKey: ADDRESS } });
    const mailboxes = await store.mailboxes(account.id);
    const inbox = mailboxes.find((m) => m.name === "INBOX")!;
    const rows = await store.listMessages(inbox.id);
    const byId = new Map(sent.map((s) => [`<${s.id}@client.test>`, s]));
    const found = new Map<string, { uid: number; count: number }>();
    let sizeSum = 0n;

    for (const row of rows) {
      sizeSum += BigInt(row.content.size);
      let raw: Buffer;
      try {
        raw = await store.readMessage(row.content.blobHash);
      } catch (error) {
        problems.push(`uid ${row.uid}: blob ${row.content.blobHash} unreadable: ${(error as Error).message}`);
        continue;
      }
      const hash = createHash("sha256").update(raw).digest("hex");
      if (hash !== row.content.blobHash) problems.push(`uid ${row.uid}: blob content hashes to ${hash}, row says ${row.content.blobHash}`);
      if (raw.length !== row.content.size) problems.push(`uid ${row.uid}: blob has ${raw.length} bytes, row says ${row.content.size}`);
      let message: Buffer;
      try {
        message = splitTrace(raw).message;
      } catch (error) {
        problems.push(`uid ${row.uid}: ${(error as Error).message}`);
        continue;
      }
      const messageId = headerOf(message, "Message-ID") ?? "";
      const entry = byId.get(messageId);
      if (!entry) {
        problems.push(`uid ${row.uid}: a message nobody sent (Message-ID ${JSON.stringify(messageId)}, ${raw.length} bytes)`);
        continue;
      }
      if (!message.equals(entry.bytes)) {
        problems.push(`uid ${row.uid}: ${entry.id} (${entry.outcome}) stored with ${message.length} bytes, sent ${entry.bytes.length}, and they differ`);
      }
      if (row.content.messageId && row.content.messageId !== messageId && row.content.messageId !== messageId.replace(/^<|>$/g, "")) {
        problems.push(`uid ${row.uid}: metadata Message-ID ${row.content.messageId} is not the message's ${messageId}`);
      }
      const seen = found.get(entry.id);
      if (seen) seen.count++;
      else found.set(entry.id, { uid: row.uid, count: 1 });
    }

    // Every 250 is there, exactly once; nothing is there twice.
    for (const entry of sent) {
      const where = found.get(entry.id);
      if (entry.outcome === "250" && !where) problems.push(`${entry.id} got 250 and is not in the INBOX`);
      if (where && where.count > 1) problems.push(`${entry.id} (${entry.outcome}) is in the INBOX ${where.count} times`);
      if (where && entry.outcome !== "250" && entry.outcome !== "lost") problems.push(`${entry.id} was refused with ${entry.outcome} but stored`);
    }

    // UIDs: unique, below UIDNEXT, and growing in the order each client's messages were acknowledged.
    const uids = rows.map((r) => r.uid);
    if (new Set(uids).size !== uids.length) problems.push(`duplicate UIDs in INBOX`);
    const maxUid = Math.max(0, ...uids);
    if (inbox.uidNext <= maxUid) problems.push(`uidNext ${inbox.uidNext} is not above the highest UID ${maxUid}`);
    const stored = sent.filter((s) => found.has(s.id));
    const uidOf = (s: Sent) => found.get(s.id)!.uid;
    // One connection's messages were sent one after the other: their UIDs grow.
    const groups = new Map<string, Sent[]>();
    for (const s of stored) groups.set(`${s.round}/${s.client}`, [...(groups.get(`${s.round}/${s.client}`) ?? []), s]);
    for (const group of groups.values()) {
      for (let i = 1; i < group.length; i++) {
        if (uidOf(group[i]) <= uidOf(group[i - 1])) problems.push(`${group[i].id} was sent after ${group[i - 1].id} on the same connection but has a lower UID`);
      }
    }
    // Everything of a round (its probe first, then the load) came after everything of the rounds before.
    let highestBefore = 0;
    for (const round of [...new Set(sent.map((s) => s.round))].sort((a, b) => a - b)) {
      const inRound = stored.filter((s) => s.round === round);
      const probe = inRound.find((s) => s.client === -1);
      const load = inRound.filter((s) => s.client !== -1);
      const lowest = Math.min(...inRound.map(uidOf));
      if (inRound.length && lowest <= highestBefore) problems.push(`round ${round} has UID ${lowest}, not above the earlier rounds' ${highestBefore}`);
      if (probe && load.length && Math.min(...load.map(uidOf)) <= uidOf(probe)) problems.push(`round ${round}: load sent after the probe has a lower UID`);
      highestBefore = Math.max(highestBefore, ...inRound.map(uidOf));
    }
    const maxModSeq = rows.reduce((max, r) => (BigInt(r.modSeq) > max ? BigInt(r.modSeq) : max), 0n);

    // Counters agree with the rows.
    if (inbox.messageCount !== rows.length) problems.push(`INBOX messageCount ${inbox.messageCount}, rows ${rows.length}`);
    if (BigInt(inbox.totalBytes) !== sizeSum) problems.push(`INBOX totalBytes ${inbox.totalBytes}, sum of sizes ${sizeSum}`);
    const unseen = rows.filter((r) => !r.seen).length;
    if (inbox.unseenCount !== unseen) problems.push(`INBOX unseenCount ${inbox.unseenCount}, unseen rows ${unseen}`);
    if (BigInt(inbox.highestModSeq) < maxModSeq) problems.push(`INBOX highestModSeq ${inbox.highestModSeq} below a message's ${maxModSeq}`);
    for (const other of mailboxes.filter((m) => m.name !== "INBOX")) {
      const count = await prisma.mailboxMessage.count({ where: { mailboxId: other.id } });
      if (count || other.messageCount || BigInt(other.totalBytes)) problems.push(`${other.name} is not empty (${count} rows, messageCount ${other.messageCount})`);
    }
    if (BigInt(account.usedBytes) !== sizeSum) problems.push(`account usedBytes ${account.usedBytes}, sum of sizes ${sizeSum}`);

    // No half transaction: every content row belongs to a message and has its search entry.
    const contents = await prisma.messageContent.count();
    if (contents !== rows.length) problems.push(`${contents} MessageContent rows for ${rows.length} messages`);
    const [{ n: indexed }] = await store.sql.query<{ n: number | string }>(`SELECT count(*) AS "n" FROM "message_search"`);
    if (Number(indexed) !== contents) problems.push(`${indexed} search index entries for ${contents} contents`);

    const acked = sent.filter((s) => s.outcome === "250").length;
    expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);
    return { stored: rows.length, acked, unackedStored: stored.filter((s) => s.outcome !== "250").length };
  } finally {
    await store.close();
  }
}

describe.each(PROVIDERS)("kill -9 under load on %s", (provider: Provider) => {
  let database: TestDatabase | null = null;
  let server: ScriptProcess | null = null;

  afterAll(async () => {
    await killAll();
    await database?.drop();
    removeTempDirs();
  });

  it("keeps every acknowledged message, whole and once, across three SIGKILLs", { timeout: 50_000 }, async () => {
    const dataDir = tempDir("crash-");
    database = provider === "postgresql" ? await createTestDatabase() : null;
    const port = await freePort();
    const env: Record<string, string> = {
      ...ALL_PORTS_OFF,
      DATA_DIR: dataDir,
      SMTP_PORT: String(port),
      MAIL_DOMAINS: "crash.test",
      MAIL_HOSTNAME: "mx.crash.test",
      ...(database ? { DATABASE_URL: database.url } : {}),
    };
    const added = await runScript("mailctl.ts", ["user", "add", ADDRESS, "--password-stdin"], { env, stdin: `${PASSWORD}\n` });
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);

    const sent: Sent[] = [];
    const rounds: string[] = [];
    for (const [round, killAfter] of KILL_AFTER_MS.entries()) {
      server = await startServerProcess(env);
      if (round > 0) await sendOne(port, round, sent);

      const before = sent.length;
      const started = Date.now();
      const clients = Array.from({ length: CLIENTS }, (_, i) => loadClient(port, round, i, sent));
      // Kill in the middle of the load: after killAfter ms, and once some mail of this round got its 250.
      while (Date.now() - started < killAfter || !sent.slice(before).some((s) => s.outcome === "250")) {
        if (Date.now() - started > 15_000) throw new Error("no message of this round was acknowledged within 15 s");
        await new Promise((r) => setTimeout(r, 20));
      }
      server.kill("SIGKILL");
      const exit = await server.waitExit(10_000);
      expect(exit.signal).toBe("SIGKILL");
      await Promise.all(clients);

      const mine = sent.slice(before);
      const count = (outcome: string) => mine.filter((s) => s.outcome === outcome).length;
      rounds.push(`round ${round}: killed after ${Date.now() - started} ms, ${mine.length} sent, ${count("250")} acknowledged, ${count("lost")} in flight`);
      // Under load and before the kill, the server refuses nothing.
      expect(mine.filter((s) => s.outcome !== "250" && s.outcome !== "lost").map((s) => `${s.id}: ${s.outcome}`)).toEqual([]);
      expect(count("lost")).toBeGreaterThan(0);
    }

    // Restarted on the same data: it takes new mail, then stops cleanly.
    server = await startServerProcess(env);
    await sendOne(port, KILL_AFTER_MS.length, sent);
    server.kill("SIGTERM");
    expect(await server.waitExit(20_000)).toEqual({ code: 0, signal: null });

    if (provider === "sqlite") {
      const db = new Database(path.join(dataDir, "mail.db"), { readonly: true });
      try {
        expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      } finally {
        db.close();
      }
    }
    const summary = await verify(env, sent);
    console.log(`[kill9 ${provider}] ${rounds.join("; ")}; stored ${summary.stored} (acknowledged ${summary.acked}, stored without 250: ${summary.unackedStored})`);
    expect(summary.acked).toBeGreaterThan(60);
  });
});
