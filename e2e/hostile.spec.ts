import { expect, test } from "@playwright/test";
import { buildHostileCorpus, PWNED_MARKER, type HostileMessage } from "../tests/fixtures/hostile/corpus";
import { ADMIN } from "./support/accounts";
import { deliverRaw } from "./support/deliver";
import { startRemoteHost, type RemoteHost } from "./support/remote-host";
import { signIn } from "./support/session";

// The hostile corpus (tests/fixtures/hostile/) through the whole webmail in Chromium: delivered over
// SMTP, then opened one after another in one page. Nothing may run (no marker, console line, dialog or
// navigation) and nothing may reach the stand-in remote host, neither from the browser before "show
// images" nor ever from the server (SSRF).
test.describe.configure({ mode: "serial" });
test.setTimeout(90_000);

let remote: RemoteHost;
let corpus: HostileMessage[];
const uids = new Map<string, number>();

test.beforeAll(async () => {
  remote = await startRemoteHost();
  corpus = buildHostileCorpus(remote.origin, ADMIN.address);
  for (const message of corpus) await deliverRaw(ADMIN.address, message.raw);
});

test.afterAll(async () => {
  await remote.close();
});

test("every hostile message opens with nothing run and nothing loaded", async ({ page }) => {
  const dialogs: string[] = [];
  const consoleLines: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("console", (message) => consoleLines.push(message.text()));
  const popups: string[] = [];
  page.context().on("page", (opened) => popups.push(opened.url()));

  await signIn(page);
  const listing = await page.request.get("/api/mail/messages?folder=INBOX&limit=200");
  const { messages } = (await listing.json()) as { messages: { uid: number; subject: string }[] };
  for (const message of corpus) {
    const found = messages.find((row) => row.subject.includes(`[${message.id}]`));
    expect(found, `message ${message.id} delivered`).toBeTruthy();
    uids.set(message.id, found?.uid ?? 0);
  }

  const reader = page.getByRole("article", { name: "Message" });
  for (const message of corpus) {
    const uid = uids.get(message.id) ?? 0;
    // The app follows history entries it did not make itself (App Router syncs pushState), so no reload per message.
    await page.evaluate((next) => window.history.pushState(null, "", `/?uid=${next}`), uid);
    await expect(reader.getByRole("heading", { name: new RegExp(`\\[${message.id}\\]`) }), message.id).toBeVisible();
    const body = page.frameLocator('iframe[title="Message body"]');
    if (message.visible) await expect(body.locator("body"), message.id).toContainText(message.visible);
    for (const part of message.attachmentParts ?? []) {
      for (const inline of ["0", "1"]) {
        const response = await page.request.get(`/api/mail/attachment?folder=INBOX&uid=${uid}&part=${part}&inline=${inline}`);
        expect(response.status(), `${message.id} part ${part}`).toBe(200);
        const headers = response.headers();
        expect(headers["content-type"], `${message.id} part ${part} type`).not.toMatch(/html|svg|xml|javascript/);
        expect(headers["content-security-policy"]).toMatch(/^sandbox; default-src 'none'/);
        expect(headers["x-content-type-options"]).toBe("nosniff");
        expect(headers["content-disposition"]).not.toMatch(/[\r\n]|\.\.\/|\u202e/);
        if (!/^(image\/(png|jpeg|gif|webp)|application\/pdf|audio|video)/.test(headers["content-type"] ?? "")) expect(headers["content-disposition"]).toMatch(/^attachment;/);
      }
    }
  }
  // Anything deferred (timers, lazy loads, refresh) gets a moment.
  await page.waitForTimeout(500);

  for (const frame of page.frames()) {
    const pwned = await frame.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned).catch(() => undefined);
    expect(pwned, `window.__pwned in ${frame.url()}`).toBeUndefined();
  }
  expect(dialogs, "dialogs").toEqual([]);
  expect(consoleLines.filter((line) => line.includes(PWNED_MARKER)), "console marker").toEqual([]);
  expect(popups, "popups").toEqual([]);
  expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?uid=\d+$/);
  expect(remote.requests, "requests to the remote host before 'show images'").toEqual([]);

  // Header tricks stay text: the subject with HTML in it is shown as written, the file names cleaned.
  const h41 = uids.get("H41") ?? 0;
  await page.evaluate((next) => window.history.pushState(null, "", `/?uid=${next}`), h41);
  const attachments = page.getByRole("list", { name: "Attachments" });
  await expect(attachments).toBeVisible();
  expect(await attachments.innerText()).not.toMatch(/\u202e/);
});

test("the server fetches nothing a message names, even with remote content allowed (no SSRF)", async ({ page }) => {
  await signIn(page);
  for (const message of corpus) {
    const uid = uids.get(message.id) ?? 0;
    for (const path of [`/api/mail/message?folder=INBOX&uid=${uid}&remote=1`, `/api/mail/print?folder=INBOX&uid=${uid}&remote=1`, `/api/mail/source?folder=INBOX&uid=${uid}`]) {
      expect((await page.request.get(path)).status(), `${message.id} ${path}`).toBe(200);
    }
  }
  await page.waitForTimeout(300);
  expect(remote.requests, "requests made by the server").toEqual([]);

  // With "show images" the browser (and only the browser) loads them.
  await page.evaluate((next) => window.history.pushState(null, "", `/?uid=${next}`), uids.get("H17") ?? 0);
  await page.getByRole("button", { name: "Show images", exact: true }).click();
  await expect.poll(() => remote.requests.length, { timeout: 5000 }).toBeGreaterThan(0);
  expect(remote.agents.every((agent) => /Chrome/.test(agent)), remote.agents.join("\n")).toBe(true);
});

test("CR/LF and IMAP syntax in folder names are refused and break nothing", async ({ page }) => {
  await signIn(page);
  for (const folder of ["INBOX\r\nA1 LOGOUT", "INBOX\nA1 DELETE INBOX", "INBOX\0"]) {
    const response = await page.request.get(`/api/mail/messages?${new URLSearchParams({ folder })}`);
    expect(response.status(), JSON.stringify(folder)).toBe(400);
  }
  for (const folder of ['INBOX" {5}', "INBOX) (ALL", "{3}\r\n"]) {
    const response = await page.request.get(`/api/mail/messages?${new URLSearchParams({ folder })}`);
    expect([400, 404], JSON.stringify(folder)).toContain(response.status());
  }
  const after = await page.request.get("/api/mail/messages?folder=INBOX&limit=5");
  expect(after.status()).toBe(200);
});
