// A disabled account can't sign in by any protocol (IMAP, POP3, SMTP AUTH on submission), and the
// sessions it had open end: at once when the management API disables it in the server's own process,
// at the next periodic check when the change comes from elsewhere (mailctl, another node).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailServer, type RunningMailServer } from "@/lib/mail-server";
import { ImapClient, quote } from "../helpers/imap";
import { Pop3Client } from "../helpers/pop3";
import { SmtpClient } from "../helpers/smtp";
import { testConfig } from "../helpers/store";

const USER = { address: "dora@example.test", password: "a long enough passphrase" };
const ADMIN = { address: "boss@example.test", password: "another long passphrase" };
const CHECK_MS = 200;

let server: RunningMailServer;
let drop: () => Promise<void>;

async function imapSession(): Promise<{ client: ImapClient; status: string }> {
  const client = await ImapClient.open(server.port("imap"));
  const result = await client.command(`LOGIN ${quote(USER.address)} ${quote(USER.password)}`);
  return { client, status: result.status };
}

async function pop3Session(): Promise<{ client: Pop3Client; status: string }> {
  const client = await Pop3Client.connect(server.port("pop3"));
  await client.command(`USER ${USER.address}`);
  return { client, status: (await client.command(`PASS ${USER.password}`)).status };
}

async function smtpSession(): Promise<{ client: SmtpClient; code: number }> {
  const client = await SmtpClient.open(server.port("submission"));
  await client.command("EHLO client.example.test");
  const plain = Buffer.from(`\0${USER.address}\0${USER.password}`).toString("base64");
  return { client, code: (await client.command(`AUTH PLAIN ${plain}`)).code };
}

function setDisabled(disabled: boolean): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port("admin")}/api/v1/accounts/${encodeURIComponent(USER.address)}`, {
    method: "PATCH",
    headers: { authorization: `Basic ${Buffer.from(`${ADMIN.address}:${ADMIN.password}`).toString("base64")}` },
    body: JSON.stringify({ disabled }),
  });
}

beforeAll(async () => {
  const test = await testConfig("sqlite", { MAIL_DOMAINS: "example.test" });
  drop = test.drop;
  server = await startMailServer(test.config, { anyFreePort: true, log: () => undefined, accountCheckIntervalMs: CHECK_MS });
  await server.store.accounts.addAccount({ ...ADMIN, isAdmin: true });
  await server.store.accounts.addAccount(USER);
});

afterAll(async () => {
  await server?.stop();
  await drop?.();
});

describe("a disabled account", () => {
  it("loses its open IMAP, POP3 and SMTP sessions when an administrator disables it, and can't sign in again by any of them", async () => {
    const [imap, pop3, smtp] = await Promise.all([imapSession(), pop3Session(), smtpSession()]);
    expect([imap.status, pop3.status.slice(0, 3), smtp.code]).toEqual(["OK", "+OK", 235]);
    await imap.client.ok("SELECT INBOX");

    expect((await setDisabled(true)).status).toBe(200);
    expect(await imap.client.response(3000)).toBe("* BYE Account disabled or removed by the administrator");
    expect(await pop3.client.line(3000)).toBe("-ERR [AUTH] Account disabled or removed by the administrator");
    expect((await smtp.client.reply(3000)).code).toBe(421);

    const [imapAgain, pop3Again, smtpAgain] = await Promise.all([imapSession(), pop3Session(), smtpSession()]);
    expect(imapAgain.status).toBe("NO");
    expect(pop3Again.status).toMatch(/^-ERR/);
    expect(smtpAgain.code).toBe(535);
    for (const { client } of [imapAgain, pop3Again, smtpAgain]) client.destroy();

    expect((await setDisabled(false)).status).toBe(200);
    const [imapBack, pop3Back, smtpBack] = await Promise.all([imapSession(), pop3Session(), smtpSession()]);
    expect([imapBack.status, pop3Back.status.slice(0, 3), smtpBack.code]).toEqual(["OK", "+OK", 235]);
    for (const { client } of [imapBack, pop3Back, smtpBack]) client.destroy();
  });

  it("disabled outside the server process (mailctl), loses its open sessions at the next check", async () => {
    const imap = await imapSession();
    expect(imap.status).toBe("OK");
    // What mailctl does from its own process: a row changed, no event in this one.
    await server.store.sql.query(`UPDATE "Account" SET "disabled" = ? WHERE "addressKey" = ?`, [true, USER.address]);
    const started = Date.now();
    expect(await imap.client.response(CHECK_MS * 10)).toMatch(/^\* BYE Account disabled/);
    expect(Date.now() - started).toBeLessThan(CHECK_MS * 10);
  });
});
