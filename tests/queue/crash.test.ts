// "Mail is never lost in the queue" (ARCHITECTURE, Invariants), the hard way: a.test runs as
// its own process (scripts/mail-server.ts), takes mail for b.test while b.test is down, keeps
// retrying it, and is killed with SIGKILL between two retries. Started again on the same data,
// it resumes the queue from the store; once b.test is back, every message arrives exactly once.
//
// Exactly once, not "at most twice", because b.test never accepted anything before the kill:
// a duplicate needs a kill between the remote's 250 to the end of data and our record of it
// (the window RFC 5321 §6.1 accepts), and with b.test down there is no such 250 to lose.
import { afterAll, describe, expect, it } from "vitest";
import { PASSWORD, plainMessage, startDomainServer, submit, type DomainServer } from "../helpers/outbound";
import { headerOf, waitFor } from "../helpers/smtp";
import { PROVIDERS, type Provider } from "../helpers/store";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { ALL_PORTS_OFF, freePort, killAll, removeTempDirs, runScript, startServerProcess, tempDir, type ScriptProcess } from "../cli/processes";

const MESSAGES = 5;

describe.each(PROVIDERS)("kill -9 of the sending server between retries on %s", (provider: Provider) => {
  let database: TestDatabase | null = null;
  let b: DomainServer | null = null;

  afterAll(async () => {
    await killAll();
    await b?.cleanup();
    await database?.drop();
    removeTempDirs();
  });

  it("loses nothing and delivers each message exactly once after the restart", { timeout: 60_000 }, async () => {
    b = await startDomainServer("b.test", { provider });
    await b.user("bob");
    await b.user("dave");
    await b.stop();

    database = provider === "postgresql" ? await createTestDatabase() : null;
    const submissionPort = await freePort();
    const env: Record<string, string> = {
      ...ALL_PORTS_OFF,
      DATA_DIR: tempDir("queue-crash-"),
      SUBMISSION_PORT: String(submissionPort),
      MAIL_DOMAINS: "a.test",
      MAIL_HOSTNAME: "mx.a.test",
      OUTBOUND_ROUTES: `b.test=127.0.0.1:${b.smtpPort}`,
      QUEUE_RETRY_DELAYS: "300ms",
      ...(database ? { DATABASE_URL: database.url } : {}),
    };
    const added = await runScript("mailctl.ts", ["user", "add", "alice@a.test", "--password-stdin"], { env, stdin: `${PASSWORD}\n` });
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);

    let a: ScriptProcess = await startServerProcess(env);
    const ids: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const id = `<crash-${provider}-${i}@a.test>`;
      ids.push(id);
      // Every other message to two recipients: one transaction, two queue rows.
      const to = i % 2 ? ["bob@b.test", "dave@b.test"] : ["bob@b.test"];
      const info = await submit(submissionPort, "alice@a.test", { from: "alice@a.test", to }, plainMessage(`crash ${i}`, "alice@a.test", to.join(", ")).replace("\r\n\r\n", `\r\nMessage-ID: ${id}\r\n\r\n`));
      expect(info.response).toMatch(/^250 /);
    }
    // Each message deferred at least twice: the kill lands between retries of a running schedule.
    const deferrals = (process: ScriptProcess) => process.lines.filter((l) => /<bob@b\.test> queued: .*(ECONNREFUSED|cannot connect)/.test(l)).length;
    await waitFor(() => deferrals(a) >= 2 * MESSAGES, 15_000, "two deferrals of every message");
    a.kill("SIGKILL");
    expect((await a.waitExit(10_000)).signal).toBe("SIGKILL");

    // Restarted on the same data, it retries what the store holds, before b.test is back.
    a = await startServerProcess(env);
    await waitFor(() => deferrals(a) >= MESSAGES, 15_000, "the restarted server to retry every message");
    await b.start();

    const received = async (address: string) => (await b!.messages(address)).map((m) => headerOf(m.raw, "message-id"));
    await waitFor(async () => (await received("bob@b.test")).length >= MESSAGES && (await received("dave@b.test")).length >= Math.floor(MESSAGES / 2), 15_000, "every message delivered");
    await a.waitForLine(new RegExp(`<dave@b\\.test> delivered`), 5000);
    // Give a duplicate the time to show up: several retry intervals.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await received("bob@b.test")).sort()).toEqual([...ids].sort());
    expect((await received("dave@b.test")).sort()).toEqual(ids.filter((_, i) => i % 2).sort());

    a.kill("SIGTERM");
    expect(await a.waitExit(20_000)).toEqual({ code: 0, signal: null });
  });
});
