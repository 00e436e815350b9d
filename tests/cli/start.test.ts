// `npm start` (scripts/start.ts) and the mail server's own stop, as a user sees them:
// - WEB_PORT=0 disables the webmail, so start.ts neither builds nor runs Next: it migrates a
//   fresh DATA_DIR, starts the mail server, prints every port that listens, and on SIGTERM
//   stops with status 0 and leaves no process behind; if the mail server dies, it stops too.
// - SIGTERM to the mail server lets a client that is sending DATA finish (250: stored), then
//   says 421; an idle client hears 421 4.3.2 at once; after a restart the message is there once.
import { readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import { listMigrations } from "@/lib/migrate";
import { MailStore } from "@/lib/mail-server/store";
import { headerOf, readMessages, SmtpClient } from "../helpers/smtp";
import { ALL_PORTS_OFF, descendants, freePort, isAlive, killAll, listeningPorts, removeTempDirs, ScriptProcess, startServerProcess, tempDir } from "./processes";

afterAll(async () => {
  await killAll();
  removeTempDirs();
});

async function addAccount(env: Record<string, string>, address: string) {
  const store = await MailStore.open(loadConfig(env));
  try {
    await store.accounts.addAccount({ address, password: "a long enough password" });
  } finally {
    await store.close();
  }
}

async function storedSubjects(env: Record<string, string>, address: string): Promise<(string | null)[]> {
  const store = await MailStore.open(loadConfig(env));
  try {
    return (await readMessages(store, address)).map((m) => headerOf(m.raw, "Subject"));
  } finally {
    await store.close();
  }
}

/**
 * The node process below `pid` that runs `script`: the mail server's bundle (.build/mail-server.cjs,
 * under plain Node) or a script through tsx (scripts/web.ts).
 */
function processRunning(pid: number, script: string): number {
  const found = descendants(pid).filter((p) => {
    try {
      const cmdline = readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0");
      if (!cmdline[0].endsWith("node")) return false;
      if (script.endsWith(".cjs")) return cmdline.some((arg: string) => arg.endsWith(path.join(".build", script)));
      return cmdline.some((arg: string) => arg.endsWith(path.join("scripts", script))) && cmdline.includes("--import");
    } catch {
      return false;
    }
  });
  if (found.length !== 1) throw new Error(`expected one process running ${script} below ${pid}, found ${found.length}`);
  return found[0];
}

/** A client in the middle of DATA: MAIL, RCPT and the first half of the message sent. */
async function midData(port: number, subject: string): Promise<SmtpClient> {
  const client = await SmtpClient.open(port);
  await client.ehlo();
  expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
  expect((await client.command("RCPT TO:<bob@example.test>")).code).toBe(250);
  expect((await client.command("DATA")).code).toBe(354);
  await client.write(`From: alice@remote.test\r\nSubject: ${subject}\r\n\r\nfirst half, `);
  return client;
}

describe("npm start with WEB_PORT=0", () => {
  it("migrates a fresh DATA_DIR, prints every listening port, and stops on SIGTERM with status 0 and no process left", async () => {
    const dataDir = tempDir("start-");
    const [smtp, admin] = [await freePort(), await freePort()];
    const env = { ...ALL_PORTS_OFF, DATA_DIR: dataDir, SMTP_PORT: String(smtp), ADMIN_PORT: String(admin), MAIL_DOMAINS: "example.test" };
    const start = new ScriptProcess("start.ts", env);
    await start.waitForLine(/^Mail service running/);

    // WEB_PORT=0: no build, no webmail process.
    expect(start.lines.join("\n")).not.toMatch(/next build|Building the web app|Webmail/);
    const tree = descendants(start.pid);
    const mail = processRunning(start.pid, "mail-server.cjs");
    expect(() => processRunning(start.pid, "web.ts")).toThrow();

    // Every port the process tree listens on is printed in the banner, and nothing else listens.
    const listening = [...new Set(tree.flatMap((pid) => (isAlive(pid) ? listeningPorts(pid) : [])).concat(listeningPorts(start.pid)))].sort((a, b) => a - b);
    expect(listening).toEqual([smtp, admin].sort((a, b) => a - b));
    expect(listeningPorts(mail).sort((a, b) => a - b)).toEqual(listening);
    const banner = start.lines.slice(start.lines.findIndex((l) => l === "") + 1);
    for (const port of listening) expect(banner.some((l) => l.endsWith(`:${port}`) && !l.startsWith("[")), `banner names port ${port}:\n${banner.join("\n")}`).toBe(true);
    expect(banner.find((l) => l.endsWith(`:${smtp}`))).toMatch(/SMTP/);
    expect(banner.find((l) => l.endsWith(`:${admin}`))).toMatch(/management/i);

    const client = await SmtpClient.open(smtp);
    await client.quit();

    start.kill("SIGTERM");
    expect(await start.waitExit()).toEqual({ code: 0, signal: null });
    expect(start.errLines).toEqual([]);
    expect(tree.filter(isAlive), `processes left behind: ${tree.filter(isAlive).join(", ")}`).toEqual([]);
    await expect(SmtpClient.connect(smtp, "127.0.0.1", 1000)).rejects.toThrow();

    const db = new Database(path.join(dataDir, "mail.db"), { readonly: true });
    try {
      const expected = listMigrations("sqlite").map((m) => m.name);
      expect(expected.length).toBeGreaterThan(0);
      expect(db.prepare(`SELECT "name" FROM "_app_migrations" ORDER BY "name"`).all()).toEqual(expected.map((name) => ({ name })));
      expect(start.lines).toContain(`Database migrated: ${expected.join(", ")}`);
    } finally {
      db.close();
    }
  });

  it("stops with a non-zero status and one line when the mail server dies", async () => {
    const dataDir = tempDir("start-");
    const env = { ...ALL_PORTS_OFF, DATA_DIR: dataDir, SMTP_PORT: String(await freePort()), MAIL_DOMAINS: "example.test" };
    const start = new ScriptProcess("start.ts", env);
    await start.waitForLine(/^Mail service running/);
    const tree = descendants(start.pid);
    process.kill(processRunning(start.pid, "mail-server.cjs"), "SIGKILL");
    const exit = await start.waitExit();
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(start.errLines).toHaveLength(1);
    expect(start.errLines[0]).toMatch(/mail server stopped unexpectedly/);
    expect(tree.filter(isAlive)).toEqual([]);
  });

  it("SIGTERM while a client is mid-DATA: the message is stored (250) before the 421, and start exits 0", async () => {
    const dataDir = tempDir("start-");
    const smtp = await freePort();
    const env = { ...ALL_PORTS_OFF, DATA_DIR: dataDir, SMTP_PORT: String(smtp), MAIL_DOMAINS: "example.test" };
    const start = new ScriptProcess("start.ts", env);
    await start.waitForLine(/^Mail service running/);
    await addAccount(env, "bob@example.test");
    const tree = descendants(start.pid);

    const sending = await midData(smtp, "sent while npm start stops");
    start.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    await sending.write("second half.\r\n.\r\n");
    const stored = await sending.reply(10_000);
    expect([stored.code, stored.enhanced]).toEqual([250, "2.0.0"]);
    const goodbye = await sending.reply(5000);
    expect([goodbye.code, goodbye.enhanced]).toEqual([421, "4.3.2"]);
    await sending.waitClosed(5000);
    expect(await start.waitExit()).toEqual({ code: 0, signal: null });
    expect(tree.filter(isAlive)).toEqual([]);
    expect(await storedSubjects(env, "bob@example.test")).toEqual(["sent while npm start stops"]);
  });
});

describe("SIGTERM to the mail server process", () => {
  it("lets a client mid-DATA finish with 250 and then 421; idle clients get 421 4.3.2 at once; after a restart the message is there once", async () => {
    const dataDir = tempDir("stop-");
    const port = await freePort();
    const env = { ...ALL_PORTS_OFF, DATA_DIR: dataDir, SMTP_PORT: String(port), MAIL_DOMAINS: "example.test" };
    await addAccount(env, "bob@example.test");
    const server = await startServerProcess(env);

    const sending = await midData(port, "sent during SIGTERM");
    const idle = await SmtpClient.open(port);
    await idle.ehlo();
    const greeted = await SmtpClient.open(port);

    server.kill("SIGTERM");
    const signalled = Date.now();
    for (const client of [idle, greeted]) {
      const reply = await client.reply(3000);
      expect([reply.code, reply.enhanced]).toEqual([421, "4.3.2"]);
      await client.waitClosed(3000);
    }
    expect(Date.now() - signalled).toBeLessThan(2000);
    // Still sending: the server waits for it.
    expect(server.exit).toBeNull();

    await sending.write("second half.\r\n.\r\n");
    const stored = await sending.reply(10_000);
    expect([stored.code, stored.enhanced]).toEqual([250, "2.0.0"]);
    const goodbye = await sending.reply(5000);
    expect([goodbye.code, goodbye.enhanced]).toEqual([421, "4.3.2"]);
    await sending.waitClosed(5000);
    expect(await server.waitExit()).toEqual({ code: 0, signal: null });
    expect(server.lines.some((l) => /stopping \(SIGTERM\)/.test(l))).toBe(true);

    const restarted = await startServerProcess(env);
    try {
      expect(await storedSubjects(env, "bob@example.test")).toEqual(["sent during SIGTERM"]);
      const store = await MailStore.open(loadConfig(env));
      try {
        const [message] = await readMessages(store, "bob@example.test");
        expect(message.raw.toString()).toMatch(/\r\n\r\nfirst half, second half\.\r\n$/);
      } finally {
        await store.close();
      }
    } finally {
      restarted.kill("SIGTERM");
      expect(await restarted.waitExit()).toEqual({ code: 0, signal: null });
    }
  });
});
