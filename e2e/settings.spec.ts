import { execFileSync } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { ImapFlow } from "imapflow";
import { simpleParser, type ParsedMail } from "mailparser";
import { E2E_PORTS } from "./support/ports";
import { expectSignedOut, signIn } from "./support/session";
import { closeSettings, openSettings } from "./support/settings";

// Settings that follow the user (kept on the server), an alias identity whose name and signature go out
// with the message, the undo-send window (the message leaves only when it ends; Undo stops it for good),
// and a password change after which the session goes on and the new password signs in.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const PASSWORD = "correct horse battery staple";
const dana = { address: `dana.${RUN}@example.test`, password: PASSWORD };
const bob = { address: `bob.${RUN}@example.test`, password: PASSWORD };
const erin = { address: `erin.${RUN}@example.test`, password: PASSWORD };
const SALES = `sales.${RUN}@example.test`;

function mailctl(...args: string[]) {
  execFileSync("npx", ["tsx", "scripts/mailctl.ts", ...args], { input: `${PASSWORD}\n`, env: { ...process.env, DATA_DIR: process.env.E2E_DATA_DIR }, stdio: ["pipe", "ignore", "inherit"] });
}

test.beforeAll(() => {
  for (const account of [dana, bob, erin]) mailctl("user", "add", account.address, "--password-stdin");
  mailctl("alias", "add", SALES, dana.address);
});

/** Every message in the account's INBOX, parsed, read over IMAP the way every mail client reads it. */
async function inbox(account: { address: string; password: string }): Promise<ParsedMail[]> {
  const client = new ImapFlow({ host: "127.0.0.1", port: E2E_PORTS.imap, secure: false, doSTARTTLS: false, auth: { user: account.address, pass: account.password }, logger: false });
  await client.connect();
  try {
    const lock = await client.getMailboxLock("INBOX");
    try {
      const found: ParsedMail[] = [];
      for await (const message of client.fetch("1:*", { source: true })) if (message.source) found.push(await simpleParser(message.source));
      return found;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

async function compose(page: Page, to: string, subject: string) {
  await page.getByRole("button", { name: "Compose" }).click();
  const composer = page.getByRole("region", { name: "New message" });
  await composer.getByLabel("To", { exact: true }).fill(to);
  await composer.getByLabel("Subject").fill(subject);
  return composer;
}

test("settings persist across a reload, and an alias identity's name and signature go out with the message", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, dana);
  let settings = await openSettings(page);
  const sending = settings.locator("#sending");
  await sending.getByLabel("Undo send").selectOption({ label: "5 seconds" });
  await expect(sending.getByRole("status")).toHaveText("Saved");
  const appearance = settings.locator("#appearance");
  await appearance.getByRole("radio", { name: "Compact" }).check();
  await expect(appearance.getByRole("status")).toHaveText("Saved");
  const general = settings.locator("#general");
  await general.getByLabel("Time zone").selectOption("Asia/Tokyo");
  await expect(general.getByRole("status")).toHaveText("Saved");
  const sales = settings.getByRole("group", { name: SALES });
  await sales.getByRole("textbox", { name: "Name" }).fill("Sales Desk");
  await sales.getByRole("textbox", { name: "Signature" }).fill("Sales signature line");
  await sales.getByRole("checkbox", { name: "Default" }).check();
  await sales.getByRole("button", { name: "Save" }).click();
  await expect(settings.getByRole("group", { name: SALES }).getByRole("status")).toHaveText("Saved");

  await page.reload();
  settings = page.getByRole("main", { name: "Settings" });
  await expect(settings.locator("#sending").getByLabel("Undo send")).toHaveValue("5");
  await expect(settings.locator("#appearance").getByRole("radio", { name: "Compact" })).toBeChecked();
  await expect(settings.locator("#general").getByLabel("Time zone")).toHaveValue("Asia/Tokyo");
  await expect(settings.getByRole("group", { name: SALES }).getByRole("textbox", { name: "Name" })).toHaveValue("Sales Desk");
  await expect(settings.getByRole("group", { name: SALES }).getByRole("checkbox", { name: "Default" })).toBeChecked();
  await closeSettings(page);

  // A new message starts as the default identity, signed; another identity swaps the signature.
  const subject = `From the sales desk ${RUN}`;
  const composer = await compose(page, bob.address, subject);
  const from = composer.getByLabel("From address");
  const body = composer.getByRole("textbox", { name: "Message text" });
  await expect(from).toHaveValue(SALES);
  await expect(composer.getByLabel("Your name")).toHaveValue("Sales Desk");
  await expect(body).toContainText("Sales signature line");
  await from.selectOption(dana.address);
  await expect(body).not.toContainText("Sales signature line");
  await from.selectOption(SALES);
  await expect(body).toContainText("Sales signature line");
  await body.click();
  await page.keyboard.press("Control+Home");
  await page.keyboard.type("Our prices for next year.");
  await composer.getByRole("button", { name: "Send" }).click();
  await expect(composer).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: /Sending in \d s/ })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Message sent." })).toBeVisible({ timeout: 15_000 });

  const received = (await inbox(bob)).find((message) => message.subject === subject);
  expect(received?.from?.value).toEqual([{ name: "Sales Desk", address: SALES }]);
  expect(received?.text).toContain("Our prices for next year.");
  expect(received?.text).toMatch(/^-- ?\n+Sales signature line/m);
});

test("undo send stops the message: it reopens in the composer and the recipient never gets it", async ({ page }) => {
  await signIn(page, dana);
  const subject = `Not this one ${RUN}`;
  const composer = await compose(page, bob.address, subject);
  await composer.getByRole("textbox", { name: "Message text" }).click();
  await page.keyboard.type("Sent in haste.");
  await composer.getByRole("button", { name: "Send" }).click();
  await expect(composer).toBeHidden();
  await page.getByRole("button", { name: "Undo" }).click();
  const reopened = page.getByRole("region", { name: "Draft" });
  await expect(reopened.getByLabel("Subject")).toHaveValue(subject);
  await expect(reopened.getByLabel("From address")).toHaveValue(SALES);
  await expect(reopened.getByRole("textbox", { name: "Message text" })).toContainText("Sent in haste.");
  // Past the window (5 s) and the server's sweep: nothing left.
  await page.waitForTimeout(7000);
  expect((await inbox(bob)).map((message) => message.subject)).not.toContain(subject);
});

test("a password change keeps this session, signs out the others, and the new password signs in", async ({ page, browser }) => {
  const next = "a brand new passphrase 7";
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, erin);
  await signIn(page, erin);
  const settings = await openSettings(page);
  const section = settings.locator("#password");
  await section.getByLabel("Current password").fill("not the password at all");
  await section.getByLabel("New password", { exact: true }).fill(next);
  await section.getByLabel("New password again").fill(next);
  await section.getByRole("button", { name: "Change password" }).click();
  await expect(section.getByRole("status")).toHaveText("The current password is not right.");
  await section.getByLabel("Current password").fill(erin.password);
  await section.getByRole("button", { name: "Change password" }).click();
  await expect(section.getByRole("status")).toHaveText("Password changed");
  await expectSignedOut(otherPage);
  await other.close();

  // This session reads mail with the new password sealed in it.
  await closeSettings(page);
  await expect(page.getByText("No messages here.")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await signIn(page, { address: erin.address, password: next });
  await expect(page.getByRole("navigation", { name: "Folders" })).toBeVisible();
});
