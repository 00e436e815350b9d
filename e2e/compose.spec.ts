import { execFileSync } from "node:child_process";
import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { ImapFlow } from "imapflow";
import { simpleParser, type ParsedMail } from "mailparser";
import { E2E_PORTS } from "./support/ports";
import { signIn } from "./support/session";

// Three people of the first run's domain, writing to each other through the webmail in their own
// browser contexts: composing with rich text, a pasted picture and attachments (picked and dropped, with
// upload progress, a too-large one refused), mail arriving live, a reply, reply all, a forward inline and
// as an attachment, each checked in the browser and, for the headers and attachments, over IMAP.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const PASSWORD = "correct horse battery staple";
const alice = { address: `alice.${RUN}@example.test`, password: PASSWORD };
const bob = { address: `bob.${RUN}@example.test`, password: PASSWORD };
const carol = { address: `carol.${RUN}@example.test`, password: PASSWORD };
const SUBJECT = `Lunch plans ${RUN}`;
const ATTACHMENT = { name: "menu du jour.txt", mimeType: "text/plain", buffer: Buffer.from("Soup, bread, cheese.\n") };
// A 1×1 PNG, as the clipboard hands over a screenshot.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

/** Files handed to the page as a paste or drop would: a DataTransfer made in the page. */
async function dispatchFiles(target: Locator, kind: "paste" | "drop", files: { name: string; type: string; base64: string }[]) {
  await target.evaluate(
    (element, { kind, files }) => {
      const data = new DataTransfer();
      for (const file of files) data.items.add(new File([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], file.name, { type: file.type }));
      const box = element.getBoundingClientRect();
      const at = { clientX: box.left + box.width / 2, clientY: box.top + Math.min(20, box.height / 2) };
      if (kind === "paste") {
        element.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
        return;
      }
      element.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true, ...at }));
      element.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true, ...at }));
    },
    { kind, files },
  );
}

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

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

async function signedIn(browser: Browser, account: { address: string; password: string }, viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport, hasTouch: viewport === PHONE });
  const page = await context.newPage();
  await signIn(page, account);
  return page;
}

function row(page: Page, subject: string | RegExp) {
  return page.getByRole("list", { name: "Messages" }).getByRole("button", { name: subject });
}

/** The newest message whose subject matches, from the account's folder, parsed. */
async function newest(account: { address: string; password: string }, folder: string, subject: string): Promise<ParsedMail> {
  return (await newestEntry(account, folder, subject)).parsed;
}

/** The flags of the first message whose subject matches (the original, not the "Re:" that contains its subject). */
async function flagsOf(account: { address: string; password: string }, folder: string, subject: string): Promise<string[]> {
  return (await newestEntry(account, folder, subject, "first")).flags;
}

async function newestEntry(account: { address: string; password: string }, folder: string, subject: string, which: "first" | "last" = "last"): Promise<{ parsed: ParsedMail; flags: string[] }> {
  const client = new ImapFlow({ host: "127.0.0.1", port: E2E_PORTS.imap, secure: false, doSTARTTLS: false, auth: { user: account.address, pass: account.password }, logger: false });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const uids = await client.search({ subject }, { uid: true });
      const uid = Array.isArray(uids) ? (which === "last" ? uids.at(-1) : uids[0]) : undefined;
      if (uid === undefined) throw new Error(`no "${subject}" in ${account.address}'s ${folder}`);
      const message = await client.fetchOne(String(uid), { source: true, flags: true }, { uid: true });
      if (!message || !message.source) throw new Error("the message has no source");
      return { parsed: await simpleParser(message.source), flags: [...(message.flags ?? [])] };
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

test("alice (desktop) writes to bob (phone) with rich text, a picture and attachments; bob sees it arrive and replies; alice gets the reply live, quoted and threaded", async ({ browser }) => {
  test.setTimeout(120_000);
  // Bob is already looking at his empty INBOX, on a phone: what alice sends must show up there without a reload.
  const bobPage = await signedIn(browser, bob, PHONE);
  await expect(bobPage.getByText("No messages here.")).toBeVisible();
  const alicePage = await signedIn(browser, alice);
  await expect(alicePage.getByText("No messages here.")).toBeVisible();
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
  // A picture pasted into the text shows there.
  await dispatchFiles(body, "paste", [{ name: "dot.png", type: "image/png", base64: PNG.toString("base64") }]);
  await expect(body.locator('img[src^="data:image/png"]')).toHaveCount(1);

  // Attachments: picked, dropped on the composer, uploaded with a progress bar; one too large is refused in words.
  const attachments = composer.getByRole("list", { name: "Attachments" });
  await composer.locator('input[type="file"]').setInputFiles(ATTACHMENT);
  await expect(attachments).toContainText(ATTACHMENT.name);
  await expect(attachments).toContainText("21 B");
  await dispatchFiles(attachments, "drop", [{ name: "dropped.txt", type: "text/plain", base64: Buffer.from("dropped words").toString("base64") }]);
  await expect(attachments).toContainText("dropped.txt");
  // Uploads slowed to 256 KB/s, so a 512 KB file shows its progress for a while.
  const cdp = await alicePage.context().newCDPSession(alicePage);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  await composer.locator('input[type="file"]').setInputFiles({ name: "photos.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(512 * 1024, 9) });
  const bar = composer.getByRole("progressbar", { name: "Uploading photos.bin" });
  await expect(bar).toBeVisible();
  await expect(bar).toBeHidden({ timeout: 15_000 });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(composer.getByText("Draft saved")).toBeVisible();
  const huge = path.join(mkdtempSync(path.join(tmpdir(), "compose-e2e-")), "huge video.mp4");
  writeFileSync(huge, "");
  // Sparse: 60 MB on paper, past the server's 50 MB, and nothing to read (it is refused before upload).
  truncateSync(huge, 60 * 1024 * 1024);
  await composer.locator('input[type="file"]').setInputFiles(huge);
  await expect(composer.getByRole("alert")).toContainText(/“huge video\.mp4” \(.+\) was not added/);
  await expect(composer.getByRole("alert")).toContainText("the mail server accepts");
  await expect(attachments).not.toContainText("huge video");

  await composer.getByRole("button", { name: "Send" }).click();
  await expect(composer.getByRole("alert")).toContainText("not-an-address");
  await composer.getByRole("button", { name: "Remove not-an-address" }).click();
  await composer.getByRole("button", { name: "Send" }).click();
  await expect(alicePage.getByRole("status").filter({ hasText: "Message sent." })).toBeVisible();
  await expect(composer).toBeHidden();

  // Bob: the message arrives while he looks, with its formatting, picture and attachments.
  await expect(row(bobPage, new RegExp(SUBJECT))).toBeVisible({ timeout: 15_000 });
  await row(bobPage, new RegExp(SUBJECT)).click();
  const reading = bobPage.getByRole("article", { name: "Message" });
  await expect(reading.getByText(`Alice Example <${alice.address}>`)).toBeVisible();
  const bobFrame = bobPage.frameLocator('iframe[title="Message body"]');
  await expect(bobFrame.locator("strong")).toHaveText("Bob");
  await expect(bobFrame.locator('img[src^="data:image/png"]')).toHaveCount(1);
  for (const name of [ATTACHMENT.name, "dropped.txt", "photos.bin"]) await expect(reading.getByRole("list", { name: "Attachments" })).toContainText(name);
  await expect(reading.getByRole("list", { name: "Attachments" })).not.toContainText("png");

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

  // Alice sees it arrive without a reload, in one conversation with her own message from Sent (the count is
  // of this folder's), quoted.
  await expect(row(alicePage, new RegExp(`Re: ${SUBJECT}`))).toBeVisible({ timeout: 15_000 });
  await alicePage.getByRole("button", { name: "Conversations" }).click();
  await alicePage.getByRole("list", { name: "Conversations" }).getByRole("button", { name: new RegExp(`Re: ${SUBJECT}, 1 message`) }).click();
  const inThread = alicePage.getByRole("list", { name: "Messages in this conversation" }).getByRole("button");
  await expect(inThread).toHaveCount(2);
  await expect(inThread.nth(0)).toContainText("You");
  await inThread.nth(1).click();
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
  expect(sent.attachments.filter((attachment) => !attachment.related).map((attachment) => attachment.filename)).toEqual([ATTACHMENT.name, "dropped.txt", "photos.bin"]);
  // The picture went as a part of multipart/related with a Content-ID, which mailparser resolves back into the HTML.
  const picture = sent.attachments.find((attachment) => attachment.related);
  expect(picture?.contentType).toBe("image/png");
  expect(picture?.cid).toBeTruthy();
  expect(sent.html).toContain(PNG.toString("base64"));
  // Bob's copy of the original is marked answered.
  expect(await flagsOf(bob, "INBOX", SUBJECT)).toContain("\\Answered");
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
  const files = forwarded.attachments.filter((attachment) => !attachment.related);
  expect(files.map((attachment) => attachment.filename)).toEqual([ATTACHMENT.name, "dropped.txt", "photos.bin"]);
  expect(files[0].content.toString()).toBe(ATTACHMENT.buffer.toString());
  expect(forwarded.text).toContain("Hello Bob, lunch at noon?");
  expect(await flagsOf(bob, "INBOX", SUBJECT)).toContain("$Forwarded");

  // Forward as attachment: the original whole, as a message/rfc822 file named after its subject.
  const bobAgain = await signedIn(browser, bob);
  await row(bobAgain, new RegExp(`^(?!.*Team).*${SUBJECT}`)).click();
  await bobAgain.getByRole("button", { name: "Forward as attachment" }).click();
  const asFile = bobAgain.getByRole("region", { name: "Forward as attachment" });
  await expect(asFile.getByLabel("Subject")).toHaveValue(`Fwd: ${SUBJECT}`);
  await expect(asFile.getByRole("list", { name: "Attachments" })).toContainText(`${SUBJECT}.eml`);
  await asFile.getByLabel("To", { exact: true }).fill(carol.address);
  await asFile.getByRole("textbox", { name: "Message text" }).click();
  await asFile.getByRole("textbox", { name: "Message text" }).pressSequentially("The whole thing.");
  await asFile.getByRole("button", { name: "Send" }).click();
  await expect(bobAgain.getByRole("status").filter({ hasText: "Message sent." })).toBeVisible();
  await bobAgain.context().close();
  const wrapped = await newestEntry(carol, "INBOX", `Fwd: ${SUBJECT}`);
  const eml = wrapped.parsed.attachments.find((attachment) => attachment.contentType === "message/rfc822");
  expect(eml?.filename).toBe(`${SUBJECT}.eml`);
  const inner = await simpleParser(eml?.content ?? Buffer.alloc(0));
  expect(inner.subject).toBe(SUBJECT);
  expect(inner.attachments.filter((attachment) => !attachment.related).map((attachment) => attachment.filename)).toEqual([ATTACHMENT.name, "dropped.txt", "photos.bin"]);
});

test("a reply to a long message opens with the quote behind a button, and sends it whole", async ({ browser }) => {
  const lines = Array.from({ length: 1500 }, (_, i) => `Line ${i} of the long minutes, with enough words to count.`);
  const raw = [`From: Alice Example <${alice.address}>`, `To: ${carol.address}`, `Subject: Minutes ${RUN}`, `Message-ID: <minutes.${RUN}@example.test>`, "Date: Thu, 26 Nov 2026 09:00:00 +0000", "Content-Type: text/plain; charset=utf-8", "", ...lines, "End of the minutes.", ""].join("\r\n");
  const client = new ImapFlow({ host: "127.0.0.1", port: E2E_PORTS.imap, secure: false, doSTARTTLS: false, auth: { user: carol.address, pass: carol.password }, logger: false });
  await client.connect();
  await client.append("INBOX", raw, ["\\Seen"]);
  await client.logout();
  const page = await signedIn(browser, carol);
  await row(page, new RegExp(`Minutes ${RUN}`)).click();
  await page.getByRole("button", { name: "Reply", exact: true }).click();
  const reply = page.getByRole("region", { name: "Reply" });
  const body = reply.getByRole("textbox", { name: "Message text" });
  await expect(reply.getByRole("button", { name: /^Show the quoted text/ })).toBeVisible();
  await expect(body.locator("blockquote")).toHaveCount(0);
  await body.click();
  await body.pressSequentially("Thanks for these.");
  await reply.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Message sent." })).toBeVisible();
  await page.context().close();
  const sent = await newest(carol, "Sent", `Re: Minutes ${RUN}`);
  expect(sent.text).toMatch(/^Thanks for these\.$/m);
  expect(sent.text).toMatch(/^> Line 0 of the long minutes/m);
  expect(sent.text).toMatch(/^> End of the minutes\.$/m);
  expect(sent.inReplyTo).toBe(`<minutes.${RUN}@example.test>`);
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

test("a draft saves itself, keeps what was typed just before the page went, reopens from Drafts and can be discarded", async ({ browser }) => {
  test.setTimeout(90_000);
  const page = await signedIn(browser, alice);
  await page.getByRole("button", { name: "Compose" }).click();
  const composer = page.getByRole("region", { name: "New message" });
  await composer.getByLabel("To", { exact: true }).fill(carol.address);
  await composer.getByLabel("Subject").fill(`Unfinished ${SUBJECT}`);
  await composer.getByRole("textbox", { name: "Message text" }).click();
  await composer.getByRole("textbox", { name: "Message text" }).pressSequentially("Half a thought");
  // Plain text and back keeps the words.
  await composer.getByLabel("Plain text").check();
  await expect(composer.getByRole("textbox", { name: "Message text" })).toHaveValue("Half a thought");
  await composer.getByLabel("Plain text").uncheck();
  await expect(composer.getByRole("textbox", { name: "Message text" })).toHaveText("Half a thought");
  await composer.locator('input[type="file"]').setInputFiles(ATTACHMENT);
  await expect(composer.getByText("Draft saved")).toBeVisible({ timeout: 10_000 });

  // Words typed a moment before the page goes are saved as it goes (pagehide), not lost with the autosave's wait.
  await composer.getByRole("textbox", { name: "Message text" }).press("End");
  await page.keyboard.insertText(", finished");
  page.on("dialog", (dialog) => void dialog.accept());
  await page.reload();
  await page.getByRole("navigation", { name: "Folders" }).getByRole("button", { name: /^Drafts/ }).click();
  await row(page, new RegExp(`Unfinished ${SUBJECT}`)).click();
  await page.getByRole("button", { name: "Edit draft" }).click();
  const reopened = page.getByRole("region", { name: "Draft" });
  await expect(reopened.getByLabel("Subject")).toHaveValue(`Unfinished ${SUBJECT}`);
  await expect(chips(page, "To")).toContainText(carol.address);
  await expect(reopened.getByRole("textbox", { name: "Message text" })).toContainText("Half a thought, finished");
  await expect(reopened.getByRole("list", { name: "Attachments" })).toContainText(ATTACHMENT.name);

  await reopened.getByRole("button", { name: "Discard draft" }).click();
  await expect(reopened).toBeHidden();
  await expect(row(page, new RegExp(`Unfinished ${SUBJECT}`))).toBeHidden({ timeout: 10_000 });
  await page.context().close();
});
