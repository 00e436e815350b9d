import { execFileSync } from "node:child_process";
import { ImapFlow } from "imapflow";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { deliver } from "./support/deliver";
import { E2E_PORTS } from "./support/ports";
import { signIn } from "./support/session";
import { settingsPage } from "./support/settings";

// Settings → Rules, applied by the mail server at delivery: a filter set in the page files matching mail
// (sent by SMTP) into a folder, and a vacation reply set in the page answers one sender once.
const RUN = Date.now().toString(36);
const PASSWORD = "correct horse battery staple";
const user = { address: `rules.${RUN}@example.test`, password: PASSWORD };
const friend = { address: `friend.${RUN}@example.test`, password: PASSWORD };
const FOLDER = `Receipts ${RUN}`;

async function withImap<T>(account: { address: string; password: string }, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: "127.0.0.1", port: E2E_PORTS.imap, secure: false, doSTARTTLS: false, auth: { user: account.address, pass: account.password }, logger: false });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** The Subject of every message in the account's INBOX. */
async function inboxSubjects(account: { address: string; password: string }): Promise<string[]> {
  return withImap(account, async (client) => {
    const lock = await client.getMailboxLock("INBOX");
    try {
      const subjects: string[] = [];
      for await (const message of client.fetch("1:*", { envelope: true })) subjects.push(message.envelope?.subject ?? "");
      return subjects;
    } catch {
      return [];
    } finally {
      lock.release();
    }
  });
}

test.beforeAll(async () => {
  for (const account of [user, friend]) {
    execFileSync("npx", ["tsx", "scripts/mailctl.ts", "user", "add", account.address, "--password-stdin"], {
      input: `${account.password}\n`,
      env: { ...process.env, DATA_DIR: process.env.E2E_DATA_DIR },
      stdio: ["pipe", "ignore", "inherit"],
    });
  }
  await withImap(user, (client) => client.mailboxCreate(FOLDER));
});

async function openRules(page: Page): Promise<Locator> {
  await signIn(page, user);
  await page.goto("/settings#rules");
  const rules = settingsPage(page).getByRole("form", { name: "Rules" });
  await expect(rules.getByRole("button", { name: "Save rules" })).toBeVisible();
  return rules;
}

async function save(rules: Locator) {
  await rules.getByRole("button", { name: "Save rules" }).click();
  await expect(rules.getByRole("status")).toHaveText("Rules saved.");
}

test("a filter set in Settings moves matching mail into its folder at delivery", async ({ page }) => {
  // Phone size: the editor must work there too.
  await page.setViewportSize({ width: 390, height: 844 });
  const rules = await openRules(page);
  await rules.getByRole("button", { name: "Add filter" }).click();
  const filter = rules.getByRole("group", { name: "Filter 1" });
  await filter.getByRole("textbox", { name: "Filter name" }).fill("Invoices");
  const invoices = rules.getByRole("group", { name: "Invoices" });
  await invoices.getByRole("combobox", { name: "What to check" }).selectOption({ label: "Subject contains" });
  await invoices.getByRole("textbox", { name: "Text" }).fill("invoice");
  await invoices.getByRole("combobox", { name: "Folder" }).selectOption({ label: FOLDER });
  await save(rules);

  await deliver({ to: user.address, subject: `Your invoice ${RUN}`, text: "Amount due: 42." });
  await deliver({ to: user.address, subject: `Hello ${RUN}`, text: "Not an invoice subject." });
  await page.goto(`/?${new URLSearchParams({ folder: FOLDER })}`);
  const list = page.getByRole("list", { name: "Messages" });
  await expect(list.getByRole("button", { name: new RegExp(`Your invoice ${RUN}`) })).toBeVisible({ timeout: 10_000 });
  await expect(list.getByRole("button", { name: new RegExp(`Hello ${RUN}`) })).toHaveCount(0);
  expect(await inboxSubjects(user)).toEqual([`Hello ${RUN}`]);
});

test("a vacation reply set in Settings answers one sender once", async ({ page }) => {
  const rules = await openRules(page);
  // The filter of the test before is still there, as saved.
  await expect(rules.getByRole("group", { name: "Invoices" })).toBeVisible();
  await rules.getByRole("checkbox", { name: "Answer new mail automatically" }).check();
  await rules.getByRole("textbox", { name: "Subject", exact: true }).fill(`Away ${RUN}`);
  await rules.getByRole("textbox", { name: "Message" }).fill("I am away until Monday.");
  await save(rules);

  for (const n of [1, 2]) await deliver({ from: friend.address, to: user.address, subject: `Question ${n} ${RUN}`, text: "Are you there?" });
  await expect.poll(() => inboxSubjects(friend), { timeout: 10_000 }).toContain(`Away ${RUN}`);
  // Both questions are in; the reply came once.
  await expect.poll(() => inboxSubjects(user)).toEqual(expect.arrayContaining([`Question 1 ${RUN}`, `Question 2 ${RUN}`]));
  expect((await inboxSubjects(friend)).filter((subject) => subject === `Away ${RUN}`)).toHaveLength(1);
});

test("a rule the server refuses is said in words, and a cross-site change is refused", async ({ page }) => {
  const rules = await openRules(page);
  await rules.getByRole("checkbox", { name: "Forward my mail to another address" }).check();
  await rules.getByRole("textbox", { name: "Forward to" }).fill(user.address);
  await rules.getByRole("button", { name: "Save rules" }).click();
  await expect(rules.getByRole("alert")).toContainText("would send your mail back to you");
  const crossSite = await page.request.put("/api/rules", { headers: { origin: "http://evil.example", "content-type": "application/json" }, data: { forwarding: { to: "x@evil.example" } } });
  expect(crossSite.status()).toBe(403);
  expect((await (await page.request.get("/api/rules")).json()) as unknown).toMatchObject({ forwarding: { to: "" } });
});
