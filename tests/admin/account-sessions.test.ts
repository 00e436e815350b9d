// When an account's password changes, or it is disabled, the sessions it had open by any protocol
// (IMAP, POP3, SMTP AUTH on submission) end, and only what is valid now signs in again. A change
// through the management API, in the server's own process, ends them at once; a disabling made
// elsewhere (mailctl, another node) at the next periodic check.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailServer, type RunningMailServer } from "@/lib/mail-server";
import { ImapClient, quote } from "../helpers/imap";
import { Pop3Client } from "../helpers/pop3";
import { SmtpClient } from "../helpers/smtp";
import { testConfig } from "../helpers/store";

const USER = { address: "dora@example.test", password: "a long enough passphrase" };
const SIGNED_IN = ["OK", "+OK", 235];
const RESET_PASSWORD = "what the administrator chose 42";
const OWN_PASSWORD = "a very own passphrase, 2026";
const ADMIN = { address: "boss@example.test", password: "another long passphrase" };
const CHECK_MS = 200;

let server: RunningMailServer;
let drop: () => Promise<void>;

async function imapSession(password = USER.password): Promise<{ client: ImapClient; status: string }> {
  const client = await ImapClient.open(server.port("imap"));
  const result = await client.command(`LOGIN ${quote(USER.address)} ${quote(password)}`);
  return { client, status: result.status };
}

async function pop3Session(password = USER.password): Promise<{ client: Pop3Client; status: string }> {
  const client = await Pop3Client.connect(server.port("pop3"));
  await client.command(`USER ${USER.address}`);
  return { client, status: (await client.command(`PASS ${password}`)).status };
}

async function smtpSession(password = USER.password): Promise<{ client: SmtpClient; code: number }> {
  const client = await SmtpClient.open(server.port("submission"));
  await client.command("EHLO client.example.test");
  const plain = Buffer.from(`\0${USER.address}\0${password}`).toString("base64");
  return { client, code: (await client.command(`AUTH PLAIN ${plain}`)).code };
}

/** One session by each protocol, signed in with `password`. */
async function allSessions(password = USER.password) {
  const [imap, pop3, smtp] = await Promise.all([imapSession(password), pop3Session(password), smtpSession(password)]);
  return { imap, pop3, smtp, signedIn: [imap.status, pop3.status.slice(0, 3), smtp.code], destroy: () => [imap, pop3, smtp].forEach(({ client }) => client.destroy()) };
}

function managementApi(path: string, method: string, body: unknown, as: { address: string; password: string } = ADMIN): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port("admin")}${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${as.address}:${as.password}`).toString("base64")}` },
    body: JSON.stringify(body),
  });
}

const changeUser = (change: Record<string, unknown>) => managementApi(`/api/v1/accounts/${encodeURIComponent(USER.address)}`, "PATCH", change);
const setDisabled = (disabled: boolean) => changeUser({ disabled });

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

describe("a password change", () => {
  it("by an administrator ends the account's open IMAP, POP3 and SMTP sessions; only the new password signs in", async () => {
    const before = await allSessions();
    expect(before.signedIn).toEqual(SIGNED_IN);
    await before.imap.client.ok("SELECT INBOX");

    expect((await changeUser({ password: RESET_PASSWORD })).status).toBe(200);
    expect(await before.imap.client.response(3000)).toBe("* BYE Password changed: sign in again with the new one");
    expect(await before.pop3.client.line(3000)).toBe("-ERR [AUTH] Password changed: sign in again with the new one");
    expect((await before.smtp.client.reply(3000)).code).toBe(421);

    const old = await allSessions();
    expect([old.imap.status, old.pop3.status.slice(0, 4), old.smtp.code]).toEqual(["NO", "-ERR", 535]);
    old.destroy();
    const now = await allSessions(RESET_PASSWORD);
    expect(now.signedIn).toEqual(SIGNED_IN);
    now.destroy();
  });

  it("by the user, with the current one, ends their other sessions too", async () => {
    const before = await allSessions(RESET_PASSWORD);
    expect(before.signedIn).toEqual(SIGNED_IN);
    const changed = await managementApi("/api/v1/account/password", "POST", { currentPassword: RESET_PASSWORD, newPassword: OWN_PASSWORD }, { address: USER.address, password: RESET_PASSWORD });
    expect(changed.status).toBe(200);
    expect(await before.imap.client.response(3000)).toMatch(/^\* BYE Password changed/);
    expect(await before.pop3.client.line(3000)).toMatch(/^-ERR \[AUTH\] Password changed/);
    expect((await before.smtp.client.reply(3000)).code).toBe(421);
    const now = await allSessions(OWN_PASSWORD);
    expect(now.signedIn).toEqual(SIGNED_IN);
    now.destroy();
    // Back to what the rest of this file signs in with.
    expect((await changeUser({ password: USER.password })).status).toBe(200);
  });

  it("made outside the server process (mailctl) ends the open sessions at the next check", async () => {
    const imap = await imapSession();
    expect(imap.status).toBe("OK");
    // A look at the database has seen the hash this session signed in with.
    await new Promise((resolve) => setTimeout(resolve, CHECK_MS * 2));
    const hashOf = async (address: string) => (await server.store.sql.query<{ passwordHash: string }>(`SELECT "passwordHash" FROM "Account" WHERE "addressKey" = ?`, [address]))[0].passwordHash;
    const own = await hashOf(USER.address);
    // What mailctl user passwd does from its own process: a new hash, no event in this one.
    await server.store.sql.query(`UPDATE "Account" SET "passwordHash" = ? WHERE "addressKey" = ?`, [await hashOf(ADMIN.address), USER.address]);
    try {
      const started = Date.now();
      expect(await imap.client.response(CHECK_MS * 10)).toBe("* BYE Password changed: sign in again with the new one");
      expect(Date.now() - started).toBeLessThan(CHECK_MS * 10);
    } finally {
      await server.store.sql.query(`UPDATE "Account" SET "passwordHash" = ? WHERE "addressKey" = ?`, [own, USER.address]);
    }
    // Signed in again after the change, a session is left alone.
    await new Promise((resolve) => setTimeout(resolve, CHECK_MS * 2));
    const again = await imapSession();
    expect(again.status).toBe("OK");
    await new Promise((resolve) => setTimeout(resolve, CHECK_MS * 3));
    expect((await again.client.command("NOOP")).status).toBe("OK");
    again.client.destroy();
  });

  it("of an administrator's own account is refused on the accounts route, which asks for no current password", async () => {
    const own = await managementApi(`/api/v1/accounts/${encodeURIComponent(ADMIN.address.toUpperCase())}`, "PATCH", { password: "taken over by a stolen session" });
    expect(own.status).toBe(409);
    expect(JSON.stringify(await own.json())).toMatch(/current one/);
    const client = await ImapClient.open(server.port("imap"));
    expect((await client.command(`LOGIN ${quote(ADMIN.address)} ${quote(ADMIN.password)}`)).status).toBe("OK");
    client.destroy();
  });
});

describe("a disabled account", () => {
  it("loses its open IMAP, POP3 and SMTP sessions when an administrator disables it, and can't sign in again by any of them", async () => {
    const { imap, pop3, smtp, signedIn } = await allSessions();
    expect(signedIn).toEqual(SIGNED_IN);
    await imap.client.ok("SELECT INBOX");

    expect((await setDisabled(true)).status).toBe(200);
    expect(await imap.client.response(3000)).toBe("* BYE Account disabled or removed by the administrator");
    expect(await pop3.client.line(3000)).toBe("-ERR [AUTH] Account disabled or removed by the administrator");
    expect((await smtp.client.reply(3000)).code).toBe(421);

    const again = await allSessions();
    expect([again.imap.status, again.pop3.status.slice(0, 4), again.smtp.code]).toEqual(["NO", "-ERR", 535]);
    again.destroy();

    expect((await setDisabled(false)).status).toBe(200);
    const back = await allSessions();
    expect(back.signedIn).toEqual(SIGNED_IN);
    back.destroy();
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
