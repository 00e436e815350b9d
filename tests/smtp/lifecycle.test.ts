// The listener's lifecycle: the connection limit (the busy greeting instead of 220) and a
// graceful stop that lets a client finish the message it is sending (250 means stored, even
// during shutdown) while idle clients are told 421 at once.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MailStore } from "@/lib/mail-server/store";
import { headerOf, readMessages, SmtpClient, startSmtpServer, waitFor, type SmtpTestServer } from "../helpers/smtp";

describe("connection limit (SMTP_MAX_CONNECTIONS=2)", () => {
  let t: SmtpTestServer;
  beforeAll(async () => {
    t = await startSmtpServer({ env: { SMTP_MAX_CONNECTIONS: "2" } });
  });
  afterAll(async () => t?.cleanup());

  it("greets a third client with 421 4.3.2 and closes; a freed slot is usable again", async () => {
    const first = await SmtpClient.open(t.port);
    const second = await SmtpClient.open(t.port);
    await first.ehlo();

    const third = await SmtpClient.connect(t.port);
    const busy = await third.reply();
    expect([busy.code, busy.enhanced]).toEqual([421, "4.3.2"]);
    await third.waitClosed(3000);

    // The two admitted clients are unaffected.
    expect((await first.command("NOOP")).code).toBe(250);
    expect((await second.command("NOOP")).code).toBe(250);

    await first.quit();
    const fourth = await waitFor(
      async () => {
        const client = await SmtpClient.connect(t.port);
        const greeting = await client.reply();
        if (greeting.code === 220) return client;
        client.destroy();
        return undefined;
      },
      3000,
      "a free connection slot",
    );
    expect((await fourth.command("EHLO again.example.net")).code).toBe(250);
    await fourth.quit();
    await second.quit();
  });
});

describe("graceful stop", () => {
  let t: SmtpTestServer;
  beforeAll(async () => {
    t = await startSmtpServer();
  });
  afterAll(async () => t?.cleanup());

  it("lets a client mid-DATA finish (250, stored) then says 421; idle clients get 421 4.3.2 at once", async () => {
    const sending = await SmtpClient.open(t.port);
    await sending.ehlo();
    expect((await sending.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    expect((await sending.command("RCPT TO:<bob@example.test>")).code).toBe(250);
    expect((await sending.command("DATA")).code).toBe(354);
    await sending.write("From: alice@remote.test\r\nSubject: sent during shutdown\r\n\r\nfirst half, ");

    const idle = await SmtpClient.open(t.port);
    await idle.ehlo();
    const midTransaction = await SmtpClient.open(t.port);
    await midTransaction.ehlo();
    expect((await midTransaction.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);

    const stopping = t.server.stop();
    let stopped = false;
    void stopping.then(() => (stopped = true));

    const started = Date.now();
    for (const client of [idle, midTransaction]) {
      const reply = await client.reply(2000);
      expect([reply.code, reply.enhanced]).toEqual([421, "4.3.2"]);
      await client.waitClosed(2000);
    }
    expect(Date.now() - started).toBeLessThan(1000);

    // New connections are no longer accepted.
    await expect(SmtpClient.open(t.port)).rejects.toThrow();

    // The sender finishes its message: 250 first (stored), then the 421, then the close.
    expect(stopped).toBe(false);
    await sending.write("second half.\r\n.\r\n");
    const stored = await sending.reply(5000);
    expect([stored.code, stored.enhanced]).toEqual([250, "2.0.0"]);
    const goodbye = await sending.reply(2000);
    expect([goodbye.code, goodbye.enhanced]).toEqual([421, "4.3.2"]);
    await sending.waitClosed(2000);
    await stopping;

    // 250 meant stored: a fresh store on the same data finds it.
    const store = await MailStore.open(t.config);
    try {
      const messages = await readMessages(store, "bob@example.test");
      expect(messages.map((m) => headerOf(m.raw, "Subject"))).toEqual(["sent during shutdown"]);
      expect(messages[0].raw.toString()).toContain("first half, second half.\r\n");
    } finally {
      await store.close();
    }
  });

  it("refuses connections after stop", async () => {
    await expect(
      new Promise((resolve, reject) => {
        const socket = net.connect({ port: t.port, host: "127.0.0.1" });
        socket.once("connect", () => {
          socket.destroy();
          resolve("connected");
        });
        socket.once("error", reject);
      }),
    ).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
