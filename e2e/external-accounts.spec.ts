import { execFileSync } from "node:child_process";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { deliver } from "./support/deliver";
import { E2E_PORTS } from "./support/ports";
import { signIn } from "./support/session";
import { closeSettings, openSettings } from "./support/settings";

// "Other accounts" in Settings: a user adds a mailbox elsewhere (here a second account on the bundled
// server, reached by POP3 just like an external server), presses "Check now", and its messages appear
// in their INBOX.
const RUN = Date.now().toString(36);
const PASSWORD = "correct horse battery staple";
const owner = { address: `fetcher.${RUN}@example.test`, password: PASSWORD };
const elsewhere = { address: `elsewhere.${RUN}@example.test`, password: `other ${PASSWORD}` };
const SUBJECTS = [`From elsewhere one ${RUN}`, `From elsewhere two ${RUN}`];

test.beforeAll(async () => {
  // mailctl on the test server's data, as an operator would add the accounts.
  for (const account of [owner, elsewhere]) {
    execFileSync("npx", ["tsx", "scripts/mailctl.ts", "user", "add", account.address, "--password-stdin"], {
      input: `${account.password}\n`,
      env: { ...process.env, DATA_DIR: process.env.E2E_DATA_DIR },
      stdio: ["pipe", "ignore", "inherit"],
    });
  }
  for (const subject of SUBJECTS) await deliver({ to: elsewhere.address, subject, text: `${subject}.` });
});

/** Opens Settings and adds the other account with the given host, security and password; its entry. */
async function addAccount(page: Page, host: string, security: string, password: string): Promise<{ settings: Locator; account: Locator }> {
  // Only this section: the Settings page has other fields named "Password".
  const settings = (await openSettings(page)).getByRole("region", { name: "Other accounts (POP3)" });
  await settings.getByRole("button", { name: "Add account" }).click();
  const field = (label: string) => settings.getByLabel(label, { exact: true });
  await field("Server").fill(host);
  await field("Security").selectOption({ label: security });
  await field("Port").fill(String(E2E_PORTS.pop3));
  await field("User name").fill(elsewhere.address);
  await field("Password").fill(password);
  await settings.getByRole("button", { name: "Add", exact: true }).click();
  return { settings, account: settings.getByRole("group", { name: `${elsewhere.address}@${host}` }) };
}

test("an account added in Settings is fetched on 'Check now' into INBOX", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, owner);
  const { account } = await addAccount(page, "127.0.0.1", "STARTTLS (STLS)", elsewhere.password);
  await expect(account.getByText("Not checked yet")).toBeVisible();
  await account.getByRole("button", { name: "Check now" }).click();
  await expect(account.getByRole("status")).toContainText("2 new messages", { timeout: 15_000 });
  // Checked again: nothing is fetched twice.
  await account.getByRole("button", { name: "Check now" }).click();
  await expect(account.getByRole("status")).toContainText("No new messages", { timeout: 15_000 });

  await closeSettings(page);
  // In the open INBOX as they arrive (the server's IDLE, passed on to the page), without a reload.
  const list = page.getByRole("list", { name: "Messages" });
  for (const subject of SUBJECTS) await expect(list.getByRole("button", { name: new RegExp(subject) })).toBeVisible({ timeout: 10_000 });
});

test("a wrong password is said in words, and mended by editing the account", async ({ page }) => {
  await signIn(page, owner);
  const { account } = await addAccount(page, "localhost", "None (this machine only)", "not the password");
  await account.getByRole("button", { name: "Check now" }).click();
  await expect(account.getByRole("status")).toContainText("Wrong user name or password", { timeout: 15_000 });
  await account.getByRole("button", { name: "Edit" }).click();
  // The form shows what is saved; only the password changes.
  await expect(account.getByLabel("Server", { exact: true })).toHaveValue("localhost");
  await account.getByLabel("New password (empty keeps the saved one)").fill(elsewhere.password);
  await account.getByRole("button", { name: "Save", exact: true }).click();
  await expect(account.getByRole("button", { name: "Save", exact: true })).toHaveCount(0);
  await account.getByRole("button", { name: "Check now" }).click();
  await expect(account.getByRole("status")).toContainText(/new message/, { timeout: 15_000 });
  await account.getByRole("button", { name: "Remove" }).click();
  await expect(account).toHaveCount(0);
});
