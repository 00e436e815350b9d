import { execFileSync } from "node:child_process";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ImapFlow } from "imapflow";
import { simpleParser, type ParsedMail } from "mailparser";
import { E2E_PORTS } from "./support/ports";
import { signIn } from "./support/session";

// Three people of the first run's domain, writing to each other through the webmail: composing with
// rich text and an attachment, a reply, reply all and a forward, each checked in the browser and, for
// the headers and attachments, over IMAP.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const PASSWORD = "correct horse battery staple";
const alice = { address: `alice.${RUN}@example.test`, password: PASSWORD };
const bob = { address: `bob.${RUN}@example.test`, password: PASSWORD };
const carol = { address: `carol.${RUN}@example.test`, password: PASSWORD };
const SUBJECT = `Lunch plans ${RUN}`;
const ATTACHMENT = { name: "menu du jour.txt", mimeType: "text/plain", buffer: Buffer.from("Soup, bread, cheese.\n") };

test.beforeAll(() => {
  // mailctl on the test server's data, as an operator would add the accounts.
  for (const account of [alice, bob, carol]) {
    execFileSync("npx", ["tsx", "scripts/mailctl.ts", "user", "add", account.address, "--password-stdin"], {
      input: `${account.password}\n`,
      env: { ...process.env, DATA_DIR: process.env.E2E_DATA_DIR },
      stdio: ["pipe", "ignore", "inherit"],
    });
  }
});

async function signedIn(browser: Browser, account: { address: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signIn(page, account);
  return page;
}

function row(page: Page, subject: string | RegExp) {
  return page.getByRole("list", { name: "Messages" }).getByRole("button", { name: subject });
}

/** The newest message whose subject matches, from the account's folder, parsed. */
async function newest(account: { address: string; password: string }, folder: string, subject: string): Promise<ParsedMail> {
  const client = new ImapFlow({ host: "127.0.0.1", port: E2E_PORTS.imap, secure: false, doSTARTTLS: false, auth: { user: account.address, pass: account.password }, logger: false });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const uids = await client.search({ subject }, { uid: true });
      const uid = Array.isArray(uids) ? uids.at(-1) : undefined;
      if (uid === undefined) throw new Error(`no "${subject}" in ${account.address}'s ${folder}`);
      const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
      if (!message || !message.source) throw new Error("the message has no source");
      return await simpleParser(message.source);
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

function chips(page: Page, field: "To" | "Cc") {
  return page.getByRole("list", { name: `${field} recipients` }).getByRole("listitem").filter({ has: page.getByRole("button", { name: /^Remove / }) });
}

test("alice writes to bob with rich text and an attachment; bob replies; alice gets the reply quoted and threaded", async ({ browser }) => {
  test.setTimeout(120_000);
  const alicePage = await signedIn(browser, alice);
  await alicePage.getByRole("button", { name: "Compose" }).click();
  const composer = alicePage.getByRole("region", { name: "New message" });
  await expect(composer).toBeVisible();

  // An address that cannot be mailed is flagged, and sending is refused until it is gone.
  const to = composer.getByLabel("To", { exact: true });
  await to.fill("not-an-address");
  await to.press("Enter");
  await to.fill(`Bob <${bob.address}>`);
  await to.press("Enter");
  await expect(chips(alicePage, "To")).toHaveCount(2);
  await expect(composer.locator("[data-invalid]")).toHaveText(/not-an-address/);
  await composer.getByLabel("Your name").fill("Alice Example");
  await composer.getByLabel("Subject").fill(SUBJECT);
  const body = composer.getByRole("textbox", { name: "Message text" });
  await body.click();
  await body.pressSequentially("Hello ");
  await composer.getByRole("button", { name: "Bold" }).click();
  await body.pressSequentially("Bob");
  await composer.getByRole("button", { name: "Bold" }).click();
  await body.pressSequentially(", lunch at noon?");
  await composer.locator('input[type="file"]').setInputFiles(ATTACHMENT);
  await expect(composer.getByRole("list", { name: "Attachments" })).toContainText(ATTACHMENT.name);
  await expect(composer.getByRole("list", { name: "Attachments" })).toContainText("21 B");
  await composer.getByRole("button", { name: "Send" }).click();
  await expect(composer.getByRole("alert")).toContainText("not-an-address");
  await composer.getByRole("button", { name: "Remove not-an-address" }).click();
  await composer.getByRole("button", { name: "Send" }).click();
  await expect(alicePage.getByRole("status").filter({ hasText: "Message sent." })).toBeVisible();
  await expect(composer).toBeHidden();

  // Bob: the message arrives with its formatting and attachment.
  const bobPage = await signedIn(browser, bob);
  await expect(row(bobPage, new RegExp(SUBJECT))).toBeVisible();
  await row(bobPage, new RegExp(SUBJECT)).click();
  const reading = bobPage.getByRole("article", { name: "Message" });
  await expect(reading.getByText(`Alice Example <${alice.address}>`)).toBeVisible();
  await expect(bobPage.frameLocator('iframe[title="Message body"]').locator("strong")).toHaveText("Bob");
  await expect(reading.getByRole("list", { name: "Attachments" })).toContainText(ATTACHMENT.name);

  // r answers the open message: to Alice, "Re:" once, the original quoted.
  await bobPage.keyboard.press("r");
  const reply = bobPage.getByRole("region", { name: "Reply" });
  await expect(chips(bobPage, "To")).toHaveCount(1);
  await expect(chips(bobPage, "To")).toContainText("Alice Example");
  await expect(reply.getByLabel("Subject")).toHaveValue(`Re: ${SUBJECT}`);
  const replyBody = reply.getByRole("textbox", { name: "Message text" });
  await expect(replyBody.locator("blockquote")).toContainText("Hello Bob, lunch at noon?");
  await expect(replyBody).toContainText("Alice Example wrote:");
  await replyBody.pressSequentially("Noon is perfect.");
  await reply.getByRole("button", { name: "Send" }).click();
  await expect(bobPage.getByRole("status").filter({ hasText: "Message sent." })).toBeVisible();

  // Alice sees it, quoted; over IMAP it threads under her message. (Reloaded: her INBOX was empty, and an
  // empty list does not pick up new mail live yet.)
  await alicePage.reload();
  await expect(row(alicePage, new RegExp(`Re: ${SUBJECT}`))).toBeVisible();
  await row(alicePage, new RegExp(`Re: ${SUBJECT}`)).click();
  const frame = alicePage.frameLocator('iframe[title="Message body"]');
  await expect(frame.locator("body")).toContainText("Noon is perfect.");
  await expect(frame.locator("blockquote")).toContainText("Hello Bob, lunch at noon?");
  await expect(frame.locator("body")).toContainText(/On .+, Alice Example wrote:/);

  const sent = await newest(alice, "Sent", SUBJECT);
  const received = await newest(alice, "INBOX", `Re: ${SUBJECT}`);
  expect(received.inReplyTo).toBe(sent.messageId);
  expect(received.references).toBe(sent.messageId);
  expect(received.subject).toBe(`Re: ${SUBJECT}`);
  expect(received.text).toMatch(/^> Hello Bob, lunch at noon\?$/m);
  expect(sent.attachments.map((attachment) => attachment.filename)).toEqual([ATTACHMENT.name]);
  // The drafts saved while she wrote went when the message was sent.
  await expect(newest(alice, "Drafts", SUBJECT)).rejects.toThrow(/no "/);
  await alicePage.context().close();
  await bobPage.context().close();
});

test("reply all answers everyone but oneself; forward keeps the attachment", async ({ browser }) => {
  test.setTimeout(120_000);
  const alicePage = await signedIn(browser, alice);
  // The list is fetched by the page's script: once it shows, the shortcuts listen.
  await expect(row(alicePage, new RegExp(`Re: ${SUBJECT}`))).toBeVisible();
  await alicePage.keyboard.press("c");
  const composer = alicePage.getByRole("region", { name: "New message" });
  await composer.getByLabel("To", { exact: true }).fill(`${bob.address}, ${carol.address}`);
  await composer.getByLabel("Subject").fill(`Team ${SUBJECT}`);
  await composer.getByRole("textbox", { name: "Message text" }).click();
  await composer.getByRole("textbox", { name: "Message text" }).pressSequentially("Who is in?");
  await composer.getByRole("button", { name: "Send" }).click();
  await expect(alicePage.getByRole("status").filter({ hasText: "Message sent." })).toBeVisible();
  await alicePage.context().close();

  const bobPage = await signedIn(browser, bob);
  await row(bobPage, new RegExp(`Team ${SUBJECT}`)).click();
  await bobPage.getByRole("button", { name: "Reply all" }).click();
  const replyAll = bobPage.getByRole("region", { name: "Reply all" });
  await expect(replyAll.getByLabel("Subject")).toHaveValue(`Re: Team ${SUBJECT}`);
  const everyone = chips(bobPage, "To");
  await expect(everyone).toHaveCount(2);
  await expect(everyone.nth(0)).toContainText(alice.address);
  await expect(everyone.nth(1)).toContainText(carol.address);
  await replyAll.getByRole("button", { name: "Close" }).click();
  await expect(replyAll).toBeHidden();

  // Forward the first message, attachment and all, to Carol.
  await row(bobPage, new RegExp(`^(?!.*Team).*${SUBJECT}`)).click();
  await bobPage.keyboard.press("f");
  const forward = bobPage.getByRole("region", { name: "Forward" });
  await expect(forward.getByLabel("Subject")).toHaveValue(`Fwd: ${SUBJECT}`);
  await expect(forward.getByRole("list", { name: "Attachments" })).toContainText(ATTACHMENT.name);
  await expect(forward.getByRole("textbox", { name: "Message text" })).toContainText("Forwarded message");
  await forward.getByLabel("To", { exact: true }).fill(carol.address);
  await forward.getByRole("button", { name: "Send" }).click();
  await expect(bobPage.getByRole("status").filter({ hasText: "Message sent." })).toBeVisible();
  await bobPage.context().close();

  const forwarded = await newest(carol, "INBOX", `Fwd: ${SUBJECT}`);
  expect(forwarded.attachments).toHaveLength(1);
  expect(forwarded.attachments[0].filename).toBe(ATTACHMENT.name);
  expect(forwarded.attachments[0].content.toString()).toBe(ATTACHMENT.buffer.toString());
  expect(forwarded.text).toContain("Hello Bob, lunch at noon?");
});

test("on a phone the composer takes the whole screen", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await signIn(page, alice);
  await page.getByRole("button", { name: "Compose" }).click();
  const composer = page.getByRole("region", { name: "New message" });
  await expect(composer.getByRole("textbox", { name: "Message text" })).toBeVisible();
  expect(await composer.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
  await composer.getByRole("button", { name: "Close" }).click();
  await expect(composer).toBeHidden();
  await context.close();
});

test("a draft saves itself, survives a reload, reopens from Drafts and can be discarded", async ({ browser }) => {
  test.setTimeout(90_000);
  const page = await signedIn(browser, alice);
  await page.getByRole("button", { name: "Compose" }).click();
  const composer = page.getByRole("region", { name: "New message" });
  await composer.getByLabel("To", { exact: true }).fill(carol.address);
  await composer.getByLabel("Subject").fill(`Unfinished ${SUBJECT}`);
  await composer.getByRole("textbox", { name: "Message text" }).click();
  await composer.getByRole("textbox", { name: "Message text" }).pressSequentially("Half a thought");
  await composer.locator('input[type="file"]').setInputFiles(ATTACHMENT);
  await expect(composer.getByText("Draft saved")).toBeVisible({ timeout: 10_000 });

  await page.reload();
  await page.getByRole("navigation", { name: "Folders" }).getByRole("button", { name: /^Drafts/ }).click();
  await row(page, new RegExp(`Unfinished ${SUBJECT}`)).click();
  await page.getByRole("button", { name: "Edit draft" }).click();
  const reopened = page.getByRole("region", { name: "Draft" });
  await expect(reopened.getByLabel("Subject")).toHaveValue(`Unfinished ${SUBJECT}`);
  await expect(chips(page, "To")).toContainText(carol.address);
  await expect(reopened.getByRole("textbox", { name: "Message text" })).toContainText("Half a thought");
  await expect(reopened.getByRole("list", { name: "Attachments" })).toContainText(ATTACHMENT.name);

  await reopened.getByRole("button", { name: "Discard draft" }).click();
  await expect(reopened).toBeHidden();
  await expect(row(page, new RegExp(`Unfinished ${SUBJECT}`))).toBeHidden({ timeout: 10_000 });
  await page.context().close();
});
