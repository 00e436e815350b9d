import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { deliver } from "./support/deliver";
import { signIn } from "./support/session";

// The address book in the browser: a vCard and a Gmail CSV imported, exported again and read back;
// a contact picked from the composer's suggestions into a To chip; a group standing for its members;
// "Add to contacts" from a message; a recipient of sent mail suggested afterwards.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const owner = { address: `contacts.${RUN}@example.test`, password: "correct horse battery staple" };

const VCARD = [
  "BEGIN:VCARD",
  "VERSION:3.0",
  "FN:Carol Danvers",
  "N:Danvers;Carol;;;",
  "EMAIL;TYPE=INTERNET,WORK:carol@avengers.test",
  "TEL;TYPE=CELL:+1 555 0100",
  "CATEGORIES:Pilots",
  "END:VCARD",
  "BEGIN:VCARD",
  "VERSION:4.0",
  "FN:周杰",
  "EMAIL:zhou.jie@example.cn",
  "CATEGORIES:Pilots",
  "END:VCARD",
  "",
].join("\r\n");

const GMAIL_CSV = [
  "First Name,Middle Name,Last Name,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value",
  "Dana,,Scully,Trust no one,* myContacts,* Work,dana@fbi.test,Mobile,+1 555 0111",
  "Carol,,Danvers,,* myContacts,Home,carol.home@avengers.test,,",
].join("\r\n");

test.beforeAll(() => {
  execFileSync("npx", ["tsx", "scripts/mailctl.ts", "user", "add", owner.address, "--password-stdin"], {
    input: `${owner.password}\n`,
    env: { ...process.env, DATA_DIR: process.env.E2E_DATA_DIR },
    stdio: ["pipe", "ignore", "inherit"],
  });
});

async function exported(page: Page, format: "vCard 4.0" | "vCard 3.0" | "CSV (Gmail)" | "CSV (Outlook)"): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("group", { name: "Export" }).getByRole("link", { name: format }).click()]);
  return readFile(await download.path(), "utf8");
}

test("vCard and Gmail CSV import, then export and read back", async ({ page }) => {
  await signIn(page, owner);
  await page.getByRole("link", { name: "Contacts" }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  await expect(page.getByText("No contacts yet.")).toBeVisible();

  const file = page.locator('input[type="file"]');
  await file.setInputFiles({ name: "contacts.vcf", mimeType: "text/vcard", buffer: Buffer.from(VCARD) });
  await expect(page.getByRole("status")).toHaveText("vCard: 2 added, 0 merged with existing contacts.");
  await file.setInputFiles({ name: "google.csv", mimeType: "text/csv", buffer: Buffer.from(GMAIL_CSV) });
  // Carol's CSV row has no address in common with her vCard, so she is a second Carol only by name.
  await expect(page.getByRole("status")).toHaveText("Gmail CSV: 2 added, 0 merged with existing contacts.");
  const list = page.getByRole("region", { name: "Contact list" });
  await expect(list.getByRole("button")).toHaveCount(4);

  // A group filters the list; search finds by address.
  await page.getByRole("navigation", { name: "Groups" }).getByRole("button", { name: /Pilots/ }).click();
  await expect(list.getByRole("button")).toHaveCount(2);
  await page.getByRole("navigation", { name: "Groups" }).getByRole("button", { name: /All contacts/ }).click();
  await page.getByRole("searchbox", { name: "Search contacts" }).fill("fbi");
  await expect(list.getByRole("button")).toHaveCount(1);
  await list.getByRole("button", { name: /Dana Scully/ }).click();
  await expect(page.getByLabel("Notes")).toHaveValue("Trust no one");
  await page.getByRole("searchbox", { name: "Search contacts" }).fill("");

  const vcard = await exported(page, "vCard 4.0");
  expect(vcard).toMatch(/^BEGIN:VCARD\r\nVERSION:4\.0\r\n/);
  for (const expected of ["FN:Carol Danvers", "EMAIL;TYPE=work:carol@avengers.test", "FN:周杰", "CATEGORIES:Pilots", "NOTE:Trust no one", "TEL;TYPE=cell;VALUE=TEXT:+1 555 0111"]) expect(vcard).toContain(expected);
  const csv = await exported(page, "CSV (Gmail)");
  expect(csv.split("\r\n")[0]).toMatch(/^First Name,Middle Name,Last Name,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value/);
  expect(csv).toContain("Dana,,Scully,Trust no one,* myContacts,Work,dana@fbi.test,Mobile,+1 555 0111");
  const outlook = await exported(page, "CSV (Outlook)");
  expect(outlook.split("\r\n")[0]).toMatch(/^First Name,Middle Name,Last Name,E-mail Address,E-mail 2 Address,E-mail 3 Address,Mobile Phone/);
  expect(outlook).toContain("Dana,,Scully,dana@fbi.test,,,+1 555 0111,,,,Trust no one,");

  // Importing our own export again adds nobody.
  await file.setInputFiles({ name: "again.vcf", mimeType: "text/vcard", buffer: Buffer.from(vcard) });
  await expect(page.getByRole("status")).toHaveText("vCard: 0 added, 4 merged with existing contacts.");
  await expect(list.getByRole("button")).toHaveCount(4);

  // On a phone: the list, or the contact in its place; touch targets of 44 px.
  await page.setViewportSize({ width: 390, height: 844 });
  // Dana is still open, in the list's place.
  await expect(list).toBeHidden();
  await page.getByRole("button", { name: "Back to the list" }).click();
  for (const target of [page.getByRole("button", { name: "New contact" }), list.getByRole("button", { name: /Dana Scully/ })]) expect((await target.boundingBox())?.height).toBeGreaterThanOrEqual(44);
  await list.getByRole("button", { name: /周杰/ }).click();
  await expect(list).toBeHidden();
  await expect(page.getByRole("textbox", { name: "E-mail address 1" })).toHaveValue("zhou.jie@example.cn");
  await page.getByRole("button", { name: "Back to the list" }).click();
  await expect(list).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 800 });

  // A file that is no address book is refused in words.
  await file.setInputFiles({ name: "photo.vcf", mimeType: "image/png", buffer: Buffer.alloc(2048, 0) });
  // (Next's route announcer is an alert too.)
  await expect(page.getByRole("alert").filter({ hasText: "This is not a text file: choose a vCard (.vcf) or CSV file." })).toBeVisible();
});

test("the composer suggests contacts and groups while typing; ↓ and Enter, or a click, make chips", async ({ page }) => {
  await signIn(page, owner);
  await page.getByRole("button", { name: "Compose" }).click();
  const composer = page.getByRole("region", { name: "New message" });
  const to = composer.getByRole("combobox", { name: "To", exact: true });
  const chips = composer.getByRole("list", { name: "To recipients" }).getByRole("listitem").filter({ has: page.getByRole("button", { name: /^Remove / }) });

  await to.pressSequentially("dan");
  const suggestions = composer.getByRole("listbox", { name: "Suggestions" });
  // Both Carols (Danvers) and Dana: prefix matches on a word of the name, in name order.
  await expect(suggestions.getByRole("option")).toHaveCount(3);
  await expect(suggestions.getByRole("option", { selected: true })).toContainText("Carol Danvers");
  await to.press("ArrowDown");
  await to.press("ArrowDown");
  await expect(suggestions.getByRole("option", { selected: true })).toContainText("Dana Scully");
  await to.press("Enter");
  await expect(chips).toHaveCount(1);
  await expect(chips.first()).toHaveAttribute("title", "dana@fbi.test");
  await expect(suggestions).toBeHidden();

  // A group is one suggestion that stands for its members.
  await to.pressSequentially("pil");
  await suggestions.getByRole("option", { name: /Pilots/ }).click();
  await expect(chips).toHaveCount(3);
  await expect(chips.filter({ hasText: "周杰" })).toHaveAttribute("title", "zhou.jie@example.cn");
  await expect(chips.filter({ hasText: "Carol Danvers" })).toHaveAttribute("title", "carol@avengers.test");
  await expect(to).toBeFocused();
});

test("'Add to contacts' from an open message, and sent mail's recipients are suggested next time", async ({ page }) => {
  const subject = `Orders ${RUN}`;
  await deliver({ from: "Eve Moneypenny <eve@mi6.example>", to: owner.address, subject, text: "Report at once." });
  await signIn(page, owner);
  await page.getByRole("list", { name: "Messages" }).getByRole("button", { name: new RegExp(subject) }).click();
  const reading = page.getByRole("article", { name: "Message" });
  await reading.getByRole("button", { name: "Add to contacts" }).click();
  await reading.getByRole("button", { name: "Add eve@mi6.example" }).click();
  await expect(reading.getByRole("status")).toHaveText("eve@mi6.example was added to your contacts.");
  await reading.getByRole("button", { name: "Add to contacts" }).click();
  await reading.getByRole("button", { name: "Add eve@mi6.example" }).click();
  await expect(reading.getByRole("status")).toHaveText("eve@mi6.example is already in your contacts.");

  // The new contact is suggested; a message sent to someone not in the book makes them a recent correspondent.
  await page.getByRole("button", { name: "Compose" }).click();
  const composer = page.getByRole("region", { name: "New message" });
  const to = composer.getByRole("combobox", { name: "To", exact: true });
  await to.pressSequentially("money");
  await expect(composer.getByRole("option", { selected: true })).toContainText("Eve Moneypenny");
  await to.press("Tab");
  await expect(composer.getByTitle("eve@mi6.example")).toBeVisible();
  await composer.getByRole("button", { name: "Remove Eve Moneypenny <eve@mi6.example>" }).click();
  await to.fill(ADMIN.address);
  await composer.getByLabel("Subject").fill(`Hello ${RUN}`);
  await composer.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Message sent." })).toBeVisible();

  await page.getByRole("button", { name: "Compose" }).click();
  await page.getByRole("region", { name: "New message" }).getByRole("combobox", { name: "To", exact: true }).pressSequentially(ADMIN.address.slice(0, 4));
  await expect(page.getByRole("option", { name: new RegExp(ADMIN.address) })).toHaveAttribute("title", "Recently written to");
});

test("the address book's routes refuse cross-site changes, oversized files and bad contacts in words", async ({ page }) => {
  await signIn(page, owner);
  const api = page.request;
  // What the browser sends with its own requests.
  const origin = { origin: new URL(page.url()).origin };
  const crossSite = await api.post("/api/contacts", { headers: { origin: "https://evil.example" }, data: { name: "Mallory", emails: [{ value: "m@evil.example", label: "" }] } });
  expect(crossSite.status()).toBe(403);
  const bad = await api.post("/api/contacts", { headers: origin, data: { name: "X", emails: [{ value: "not an address", label: "" }] } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toBe("“not an address” is not an e-mail address.");
  const huge = await api.post("/api/contacts/import", { headers: { ...origin, "content-type": "application/octet-stream" }, data: Buffer.alloc(6 * 1024 * 1024, 0x41) });
  expect(huge.status()).toBe(413);
  expect(await huge.json()).toMatchObject({ reason: "too-large", error: "The file is larger than 5 MB." });
  expect((await api.get("/api/contacts/export?format=vcard9")).status()).toBe(400);
});
