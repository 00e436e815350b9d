import { devices, expect, test, type Page, type TestInfo } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { deliver } from "./support/deliver";
import { seed, withImap } from "./support/imap";
import { startRemoteHost, type RemoteHost } from "./support/remote-host";
import { signIn } from "./support/session";

// One mailbox for the whole file: the messages are delivered once, the tests only read them.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const SUBJECTS = {
  plain: `Plain hello ${RUN}`,
  html: `HTML with tricks ${RUN}`,
  attachment: `Report attached ${RUN}`,
};
const ATTACHMENT_NAME = "Rapport d'été 2026.pdf";
const MARKER = "XSS-MARKER";
let remote: RemoteHost;

test.afterAll(async () => {
  await remote.close();
});

test.beforeAll(async () => {
  remote = await startRemoteHost();
  const REMOTE_HOST = remote.origin;
  await deliver({
    to: ADMIN.address,
    subject: SUBJECTS.plain,
    text: "Hello,\n\nthe plan is at https://example.org/plain-plan and <b>this is not bold</b>.\n",
  });
  await deliver({
    to: ADMIN.address,
    subject: SUBJECTS.html,
    html:
      `<p id="marker-html">Hello <b>HTML</b> reader</p>` +
      `<script>console.log("${MARKER}");alert(1)</script>` +
      `<img src="${REMOTE_HOST}/pixel.png" alt="remote pixel" width="10" height="10">` +
      `<img src="x" onerror="console.log('${MARKER}')">` +
      `<a href="javascript:console.log('${MARKER}')">a javascript link</a>` +
      `<svg><script>console.log("${MARKER}")</script><image href="${REMOTE_HOST}/svg.png"/></svg>` +
      `<div style="background:url(${REMOTE_HOST}/background.png)">styled</div>` +
      `<meta http-equiv="refresh" content="0;url=${REMOTE_HOST}/refresh"><base href="${REMOTE_HOST}/">` +
      `<form action="${REMOTE_HOST}/phish"><input name="password"></form>`,
  });
  await deliver({
    to: ADMIN.address,
    subject: SUBJECTS.attachment,
    text: "The report is attached.",
    attachments: [{ filename: ATTACHMENT_NAME, content: Buffer.from("%PDF-1.4 not really a pdf\n"), contentType: "application/pdf" }],
  });
});

/** A screenshot kept as a file under test-results/ and attached to the report. */
async function shot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

function row(page: Page, subject: string) {
  return page.getByRole("list", { name: "Messages" }).getByRole("button", { name: new RegExp(subject) });
}

// Also run against Dovecot (playwright.dovecot.config.ts).
test.describe("desktop", { tag: "@dovecot" }, () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("folders with icons and unread counts, the list, a plain-text message", async ({ page }, testInfo) => {
    await signIn(page);
    const folders = page.getByRole("navigation", { name: "Folders" });
    await expect(folders.getByRole("button", { name: /^Inbox/ })).toBeVisible();
    for (const name of ["Sent", "Trash"]) await expect(folders.getByRole("button", { name: new RegExp(`^${name}`) })).toBeVisible();
    await expect(folders.getByRole("button", { name: /^Inbox/ }).getByLabel(/\d+ unread/)).toBeVisible();
    await expect(row(page, SUBJECTS.plain)).toBeVisible();
    await expect(row(page, SUBJECTS.plain)).toHaveAccessibleName(/^Unread/);
    // The preview line comes from a partial fetch of the text part.
    await expect(row(page, SUBJECTS.plain)).toContainText("Hello, the plan is at https://example.org/plain-plan");
    await shot(page, testInfo, "inbox-desktop");

    await row(page, SUBJECTS.plain).click();
    const reader = page.getByRole("article", { name: "Message" });
    await expect(reader.getByRole("heading", { name: SUBJECTS.plain })).toBeVisible();
    await expect(reader.getByText("sender@remote.example")).toBeVisible();
    const body = page.frameLocator('iframe[title="Message body"]');
    await expect(body.getByRole("link", { name: "https://example.org/plain-plan" })).toHaveAttribute("href", "https://example.org/plain-plan");
    await expect(body.getByText("<b>this is not bold</b>")).toBeVisible();
    // Opening marks it read, in the list and on the server.
    await expect(row(page, SUBJECTS.plain)).not.toHaveAccessibleName(/^Unread/);
    await shot(page, testInfo, "message-desktop");
  });

  test("HTML mail runs no script and loads nothing remote until 'show images'", async ({ page }, testInfo) => {
    const dialogs: string[] = [];
    const consoleLines: string[] = [];
    const remoteRequests = remote.requests;
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("console", (message) => consoleLines.push(message.text()));

    await signIn(page);
    await row(page, SUBJECTS.html).click();
    const body = page.frameLocator('iframe[title="Message body"]');
    await expect(body.locator("#user-content-marker-html")).toHaveText("Hello HTML reader");
    await expect(page.getByRole("button", { name: "Show images", exact: true })).toBeVisible();
    // Left as text: an <a> whose only target was javascript: loses its href.
    await expect(body.getByText("a javascript link")).toBeVisible();
    await expect(body.getByText("a javascript link")).not.toHaveAttribute("href", /javascript/);
    // Give anything that could run or load a moment to do so.
    await page.waitForTimeout(500);
    expect(remoteRequests, "remote requests before 'show images'").toEqual([]);
    await shot(page, testInfo, "html-message-blocked");

    await page.getByRole("button", { name: "Show images", exact: true }).click();
    await expect.poll(() => remoteRequests.some((url) => url.endsWith("/pixel.png")), { timeout: 5000 }).toBe(true);
    await expect(body.locator("#user-content-marker-html")).toBeVisible();
    expect(remoteRequests.some((url) => /refresh|phish|svg/.test(url)), "no navigation, form or SVG load to the remote host").toBe(false);
    expect(dialogs, "dialogs").toEqual([]);
    expect(consoleLines.filter((line) => line.includes(MARKER)), "console marker").toEqual([]);
    await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  test("attachments are listed and download with their own name, served inert", async ({ page }) => {
    await signIn(page);
    await row(page, SUBJECTS.attachment).click();
    const attachments = page.getByRole("list", { name: "Attachments" });
    const link = attachments.getByRole("link", { name: new RegExp(ATTACHMENT_NAME) });
    await expect(link).toBeVisible();
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe(ATTACHMENT_NAME);

    const response = await page.request.get((await link.getAttribute("href")) ?? "");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-security-policy"]).toMatch(/sandbox/);
    expect(response.headers()["x-content-type-options"]).toBe("nosniff");
    expect(response.headers()["content-disposition"]).toContain("filename*=UTF-8''Rapport%20d%27%C3%A9t%C3%A9%202026.pdf");
    expect(await response.text()).toContain("not really a pdf");
  });

  test("new mail shows up in the open inbox within 2 s, without a reload", async ({ page }, testInfo) => {
    const listening = page.waitForResponse((response) => response.url().includes("/api/mail/events"));
    await signIn(page);
    await expect(row(page, SUBJECTS.plain)).toBeVisible();
    await listening;
    // Let imapflow enter IDLE after the list's commands.
    await page.waitForTimeout(600);
    const subject = `Live arrival ${RUN}`;
    const started = Date.now();
    await deliver({ to: ADMIN.address, subject, text: "Hot off the wire." });
    await expect(row(page, subject)).toBeVisible({ timeout: 2000 });
    testInfo.annotations.push({ type: "arrival", description: `${Date.now() - started} ms from SMTP to row` });
  });

  test("new mail shows up in an open folder that was empty, without a reload", async ({ page }) => {
    const folder = `Empty ${RUN}`;
    await withImap((client) => client.mailboxCreate(folder));
    const listening = page.waitForResponse((response) => response.url().includes("/api/mail/events"));
    await signIn(page);
    await page.goto(`/?${new URLSearchParams({ folder })}`);
    await listening;
    await expect(page.getByText("No messages here.", { exact: false }).first()).toBeVisible();
    await page.waitForTimeout(600);
    const subject = `First in an empty folder ${RUN}`;
    await seed(folder, [{ subject }]);
    await expect(row(page, subject)).toBeVisible({ timeout: 2000 });
  });

  test("mail API refuses the signed-out and cross-site", async ({ request }) => {
    expect((await request.get("/api/mail/folders")).status()).toBe(401);
    const crossSite = await request.post("/api/mail/flags", {
      data: { folder: "INBOX", uids: [1], add: ["\\Seen"] },
      headers: { origin: "https://evil.example" },
    });
    expect(crossSite.status()).toBe(403);
  });
});

test.describe("phone", () => {
  // The Pixel 5 profile without defaultBrowserType, which may not be set inside a describe (all are Chromium here).
  const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = devices["Pixel 5"];
  test.use({ viewport, userAgent, deviceScaleFactor, isMobile, hasTouch });

  test("one pane at a time, back navigation, touch-sized targets", async ({ page }, testInfo) => {
    await signIn(page);
    const list = page.getByRole("region", { name: "Message list" });
    const folders = page.getByRole("navigation", { name: "Folders" });
    const reader = page.getByRole("article", { name: "Message" });
    await expect(list).toBeVisible();
    await expect(folders).toBeHidden();
    await expect(row(page, SUBJECTS.plain)).toBeVisible();
    const rowBox = await row(page, SUBJECTS.plain).boundingBox();
    expect(rowBox?.height ?? 0).toBeGreaterThanOrEqual(44);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, "horizontal scroll").toBeLessThanOrEqual(0);
    await shot(page, testInfo, "inbox-phone");

    await row(page, SUBJECTS.plain).tap();
    await expect(reader.getByRole("heading", { name: SUBJECTS.plain })).toBeVisible();
    await expect(list).toBeHidden();
    const back = page.getByRole("button", { name: "Back to the list" });
    const backBox = await back.boundingBox();
    expect(backBox?.height ?? 0).toBeGreaterThanOrEqual(44);
    expect(backBox?.width ?? 0).toBeGreaterThanOrEqual(44);
    await shot(page, testInfo, "message-phone");

    await back.tap();
    await expect(list).toBeVisible();
    await expect(reader).toBeHidden();

    await page.getByRole("button", { name: "Folders" }).tap();
    await expect(folders).toBeVisible();
    await expect(list).toBeHidden();
    await shot(page, testInfo, "folders-phone");
    await folders.getByRole("button", { name: /^Sent/ }).tap();
    await expect(list.getByRole("heading", { name: /Sent/ })).toBeVisible();
    await page.goBack();
    await expect(folders).toBeVisible();
  });
});
