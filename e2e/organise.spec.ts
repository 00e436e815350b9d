// Organising mail: folders (create, rename, delete, drag and drop), multi-select with bulk actions and
// undo, Trash / Archive / Junk, the sort order and the conversation view with a reply from Sent.
// Each test works in folders of its own (seeded over IMAP), so other spec files' mail does not matter.
import { devices, expect, test, type Page, type TestInfo } from "@playwright/test";
import { seed, withImap } from "./support/imap";
import { signIn } from "./support/session";

test.describe.configure({ mode: "serial" });
test.use({ viewport: { width: 1280, height: 800 } });

const RUN = Date.now().toString(36);

function folders(page: Page) {
  return page.getByRole("navigation", { name: "Folders" });
}

function folderButton(page: Page, name: string) {
  return folders(page).getByRole("button", { name: new RegExp(`^${name}( \\d+ unread)?$`) });
}

function messages(page: Page) {
  return page.getByRole("list", { name: "Messages" });
}

function row(page: Page, subject: string) {
  return messages(page).getByRole("button", { name: new RegExp(subject) });
}

function tick(page: Page, subject: string) {
  return messages(page).getByRole("checkbox", { name: new RegExp(subject) });
}

async function openFolder(page: Page, path: string) {
  await page.goto(`/?${new URLSearchParams({ folder: path })}`);
  await expect(page.getByRole("toolbar", { name: "List actions" })).toBeVisible();
}

const toast = (page: Page) => page.getByRole("status");

/** A screenshot kept under test-results/ and attached to the report, like mail.spec's. */
async function shot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** A button of the list's toolbar (the folder list and rows have buttons of the same names). */
function action(page: Page, name: string) {
  return page.getByRole("toolbar", { name: "List actions" }).getByRole("button", { name, exact: true });
}

test("create, rename and delete a folder; system folders cannot be edited", async ({ page }) => {
  await signIn(page);
  await expect(folderButton(page, "Inbox")).toBeVisible();
  await expect(folders(page).getByRole("button", { name: "Edit folder Trash" })).toHaveCount(0);

  await folders(page).getByRole("button", { name: "New folder" }).click();
  const dialog = page.getByRole("dialog", { name: "New folder" });
  await dialog.getByLabel("Folder name").fill(`Projects ${RUN}`);
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(folderButton(page, `Projects ${RUN}`)).toBeVisible();

  await folders(page).getByRole("button", { name: `Edit folder Projects ${RUN}` }).click();
  const edit = page.getByRole("dialog", { name: `Edit folder “Projects ${RUN}”` });
  await edit.getByLabel("Folder name").fill(`Clients ${RUN}`);
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(folderButton(page, `Clients ${RUN}`)).toBeVisible();
  await expect(folderButton(page, `Projects ${RUN}`)).toHaveCount(0);

  // Move it under another folder.
  await folders(page).getByRole("button", { name: "New folder" }).click();
  await page.getByRole("dialog", { name: "New folder" }).getByLabel("Folder name").fill(`Parent ${RUN}`);
  await page.getByRole("dialog", { name: "New folder" }).getByRole("button", { name: "Create" }).click();
  await expect(folderButton(page, `Parent ${RUN}`)).toBeVisible();
  await folders(page).getByRole("button", { name: `Edit folder Clients ${RUN}` }).click();
  const move = page.getByRole("dialog", { name: `Edit folder “Clients ${RUN}”` });
  await move.getByLabel("Inside").selectOption({ label: `Parent ${RUN}` });
  await move.getByRole("button", { name: "Save" }).click();
  await expect(move).toBeHidden();
  // Listed right under its parent, indented, once the folder list has reloaded.
  const top = async (name: string) => (await folderButton(page, name).boundingBox())?.y ?? 0;
  await expect.poll(async () => (await top(`Clients ${RUN}`)) - (await top(`Parent ${RUN}`)), { message: "listed under its parent" }).toBeGreaterThan(0);
  await expect(folderButton(page, `Clients ${RUN}`)).toHaveCSS("padding-left", /^(2[89]|3\d)\.?\d*px$/);

  // A folder with subfolders is not deleted from under them.
  await folders(page).getByRole("button", { name: `Edit folder Parent ${RUN}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete folder" }).click();
  await page.getByRole("dialog", { name: `Delete “Parent ${RUN}”?` }).getByRole("button", { name: "Delete folder" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("subfolders first");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

  for (const name of [`Clients ${RUN}`, `Parent ${RUN}`]) {
    await folders(page).getByRole("button", { name: `Edit folder ${name}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete folder" }).click();
    await page.getByRole("dialog", { name: `Delete “${name}”?` }).getByRole("button", { name: "Delete folder" }).click();
    await expect(folderButton(page, name)).toHaveCount(0);
  }
});

test("drag a message onto a folder moves it there", { tag: "@dovecot" }, async ({ page }) => {
  const from = `Drag source ${RUN}`;
  const to = `Drop target ${RUN}`;
  await seed(to, []);
  await seed(from, [{ subject: `Drag me ${RUN}` }, { subject: `Stay here ${RUN}` }]);
  await signIn(page);
  await openFolder(page, from);
  await row(page, `Drag me ${RUN}`).dragTo(folderButton(page, to));
  await expect(toast(page)).toContainText(`Moved 1 message to ${to}.`);
  await expect(row(page, `Drag me ${RUN}`)).toHaveCount(0);
  await expect(row(page, `Stay here ${RUN}`)).toBeVisible();
  await folderButton(page, to).click();
  await expect(row(page, `Drag me ${RUN}`)).toBeVisible();
});

test("shift-click selects a range; mark read, then undo", { tag: "@dovecot" }, async ({ page }, testInfo) => {
  const folder = `Bulk ${RUN}`;
  await seed(folder, [1, 2, 3, 4].map((n) => ({ subject: `Bulk ${n} ${RUN}`, date: new Date(Date.UTC(2026, 10, n)).toUTCString() })));
  await signIn(page);
  await openFolder(page, folder);
  // Newest first: 4, 3, 2, 1. Tick 4, shift-tick 2: 4, 3 and 2.
  await tick(page, `Bulk 4 ${RUN}`).click();
  await tick(page, `Bulk 2 ${RUN}`).click({ modifiers: ["Shift"] });
  await expect(page.getByText("3 selected")).toBeVisible();
  await shot(page, testInfo, "bulk-selection-desktop");
  await action(page, "Mark as read").click();
  await expect(toast(page)).toContainText("Marked 3 messages as read.");
  for (const n of [4, 3, 2]) await expect(row(page, `Bulk ${n} ${RUN}`)).not.toHaveAccessibleName(/^Unread/);
  await expect(row(page, `Bulk 1 ${RUN}`)).toHaveAccessibleName(/^Unread/);
  await toast(page).getByRole("button", { name: "Undo" }).click();
  await expect(toast(page)).toContainText("Undone.");
  for (const n of [4, 3, 2, 1]) await expect(row(page, `Bulk ${n} ${RUN}`)).toHaveAccessibleName(/^Unread/);

  // Select all on the page, flag them all.
  await page.getByRole("checkbox", { name: "Select all on this page" }).check();
  await expect(page.getByText("4 selected")).toBeVisible();
  await action(page, "Flag").click();
  await expect(toast(page)).toContainText("Flagged 4 messages.");
  for (const n of [4, 3, 2, 1]) await expect(row(page, `Bulk ${n} ${RUN}`)).toHaveAccessibleName(/flagged/);
});

test("delete moves to Trash; in Trash, delete for good after a confirmation; archive", { tag: "@dovecot" }, async ({ page }) => {
  const folder = `Cleanup ${RUN}`;
  await seed(folder, [{ subject: `Delete me ${RUN}` }, { subject: `Archive me ${RUN}` }]);
  await signIn(page);
  await openFolder(page, folder);
  await tick(page, `Delete me ${RUN}`).click();
  await action(page, "Delete").click();
  await expect(toast(page)).toContainText("Moved 1 message to Trash.");
  await expect(row(page, `Delete me ${RUN}`)).toHaveCount(0);

  await tick(page, `Archive me ${RUN}`).click();
  await action(page, "Archive").click();
  await expect(toast(page)).toContainText("Archived 1 message.");
  await expect(page.getByText("No messages here.")).toBeVisible();
  await folderButton(page, "Archive").click();
  await expect(row(page, `Archive me ${RUN}`)).toBeVisible();

  await folderButton(page, "Trash").click();
  await tick(page, `Delete me ${RUN}`).click();
  await action(page, "Delete for good").click();
  const confirm = page.getByRole("dialog", { name: "Delete for good?" });
  await expect(confirm).toContainText("cannot be undone");
  await confirm.getByRole("button", { name: "Delete for good" }).click();
  await expect(toast(page)).toContainText("Deleted 1 message for good.");
  await expect(row(page, `Delete me ${RUN}`)).toHaveCount(0);
});

test("report spam moves to Junk; not spam moves back to the inbox", async ({ page }) => {
  const folder = `Suspicious ${RUN}`;
  await seed(folder, [{ subject: `Cheap pills ${RUN}` }]);
  await signIn(page);
  await openFolder(page, folder);
  await tick(page, `Cheap pills ${RUN}`).click();
  await action(page, "Report spam").click();
  await expect(toast(page)).toContainText("Reported 1 message as spam.");
  await folderButton(page, "Junk").click();
  await tick(page, `Cheap pills ${RUN}`).click();
  await action(page, "Not spam").click();
  await expect(toast(page)).toContainText("Moved 1 message to Inbox, not spam.");
  await expect(row(page, `Cheap pills ${RUN}`)).toHaveCount(0);
  // Back in INBOX, with the spam keyword swapped (INBOX holds other files' mail, so ask the server).
  const back = await withImap(async (client) => {
    const lock = await client.getMailboxLock("INBOX");
    try {
      const uids = await client.search({ subject: `Cheap pills ${RUN}` }, { uid: true });
      const uid = Array.isArray(uids) ? uids[0] : undefined;
      const found = uid ? await client.fetchOne(String(uid), { flags: true }, { uid: true }) : false;
      return found ? [...(found.flags ?? [])] : null;
    } finally {
      lock.release();
    }
  });
  expect(back).toContain("$NotJunk");
  expect(back).not.toContain("$Junk");
});

test("the sort order changes on the server and is remembered", async ({ page }) => {
  const folder = `Sorted ${RUN}`;
  await seed(folder, [
    { subject: `Banana ${RUN}`, size: 10, date: "Mon, 02 Nov 2026 10:00:00 +0000" },
    { subject: `Apple ${RUN}`, size: 5000, date: "Tue, 03 Nov 2026 10:00:00 +0000" },
    { subject: `Cherry ${RUN}`, size: 100, date: "Sun, 01 Nov 2026 10:00:00 +0000" },
  ]);
  await signIn(page);
  await openFolder(page, folder);
  const order = () => messages(page).getByRole("button").evaluateAll((rows) => rows.map((r) => (r.getAttribute("aria-label") ?? "").replace(/^Unread, /, "").split(",")[1]?.trim().split(" ")[0]));
  await expect.poll(order).toEqual(["Apple", "Banana", "Cherry"]);
  await page.getByRole("combobox", { name: "Sort by" }).selectOption({ label: "Subject, Z–A" });
  await expect.poll(order).toEqual(["Cherry", "Banana", "Apple"]);
  await page.getByRole("combobox", { name: "Sort by" }).selectOption({ label: "Largest first" });
  await expect.poll(order).toEqual(["Apple", "Cherry", "Banana"]);
  await page.reload();
  await expect(page.getByRole("combobox", { name: "Sort by" })).toHaveValue("size-desc");
  await expect.poll(order).toEqual(["Apple", "Cherry", "Banana"]);
});

test("conversation view groups a thread and shows the reply from Sent", async ({ page }, testInfo) => {
  const folder = `Talks ${RUN}`;
  const root = `<root.${RUN}@remote.example>`;
  const mine = `<reply.${RUN}@example.test>`;
  await seed(folder, [
    { subject: `Lunch ${RUN}`, messageId: root, date: "Mon, 23 Nov 2026 10:00:00 +0000", body: "Lunch on Friday?" },
    { subject: `Other ${RUN}`, date: "Mon, 23 Nov 2026 11:00:00 +0000" },
    { subject: `Re: Lunch ${RUN}`, inReplyTo: mine, date: "Mon, 23 Nov 2026 13:00:00 +0000", body: "Great, see you then." },
  ]);
  // The user's reply, as the composer would have saved it in Sent.
  await seed("Sent", [{ subject: `Re: Lunch ${RUN}`, from: "admin@example.test", messageId: mine, inReplyTo: root, date: "Mon, 23 Nov 2026 12:00:00 +0000", body: "Yes, noon works." }], ["\\Seen"]);
  await signIn(page);
  await openFolder(page, folder);
  await page.getByRole("button", { name: "Conversations" }).click();
  await expect(page.getByRole("button", { name: "Conversations" })).toHaveAttribute("aria-pressed", "true");
  const conversations = page.getByRole("list", { name: "Conversations" });
  const thread = conversations.getByRole("button", { name: new RegExp(`Re: Lunch ${RUN}, 2 messages`) });
  await expect(thread).toBeVisible();
  await expect(conversations.getByRole("button", { name: new RegExp(`Other ${RUN}, 1 message`) })).toBeVisible();
  await thread.click();
  const inThread = page.getByRole("list", { name: "Messages in this conversation" }).getByRole("button");
  await expect(inThread).toHaveCount(3);
  await expect(inThread.nth(0)).toContainText("Lunch on Friday?");
  await expect(inThread.nth(1)).toContainText("You");
  await expect(inThread.nth(1)).toContainText("Yes, noon works.");
  await expect(inThread.nth(2)).toContainText("Great, see you then.");
  await shot(page, testInfo, "conversation-desktop");
  // The reply opens in the reading pane from Sent.
  await inThread.nth(1).click();
  await expect(page).toHaveURL(/in=Sent/);
  await expect(page.getByRole("article", { name: "Message" }).getByRole("heading", { name: `Re: Lunch ${RUN}` })).toBeVisible();
  await expect(page.frameLocator('iframe[title="Message body"]').getByText("Yes, noon works.")).toBeVisible();
  // The choice is remembered; switching it off brings the plain list back.
  await page.reload();
  await expect(page.getByRole("button", { name: "Conversations" })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: "Conversations" }).click();
  await expect(row(page, `Other ${RUN}`)).toBeVisible();
});

test("Empty Junk deletes everything in it after a confirmation", async ({ page }) => {
  await seed("Junk", [{ subject: `Junk one ${RUN}` }, { subject: `Junk two ${RUN}` }]);
  await signIn(page);
  await openFolder(page, "Junk");
  await expect(row(page, `Junk two ${RUN}`)).toBeVisible();
  await page.getByRole("toolbar", { name: "List actions" }).getByRole("button", { name: "Empty Junk" }).click();
  const confirm = page.getByRole("dialog", { name: "Empty Junk?" });
  await expect(confirm).toContainText("cannot be undone");
  await confirm.getByRole("button", { name: "Empty Junk" }).click();
  await expect(toast(page)).toContainText("Junk is empty.");
  await expect(page.getByText("No messages here.")).toBeVisible();
});

test.describe("phone", () => {
  const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = devices["Pixel 5"];
  test.use({ viewport, userAgent, deviceScaleFactor, isMobile, hasTouch });

  test("ticking rows and the bulk actions fit the screen with touch-sized targets", async ({ page }, testInfo) => {
    const folder = `Pocket ${RUN}`;
    await seed(folder, [{ subject: `Pocket one ${RUN}` }, { subject: `Pocket two ${RUN}` }]);
    await signIn(page);
    await openFolder(page, folder);
    await tick(page, `Pocket one ${RUN}`).tap();
    await tick(page, `Pocket two ${RUN}`).tap();
    await expect(page.getByText("2 selected")).toBeVisible();
    const toolbar = page.getByRole("toolbar", { name: "List actions" });
    for (const control of await toolbar.getByRole("button").all()) {
      const box = await control.boundingBox();
      expect(Math.min(box?.width ?? 0, box?.height ?? 0), (await control.getAttribute("aria-label")) ?? "toolbar button").toBeGreaterThanOrEqual(44);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, "horizontal scroll").toBeLessThanOrEqual(0);
    await shot(page, testInfo, "bulk-selection-phone");
    await action(page, "Mark as read").tap();
    await expect(toast(page)).toContainText("Marked 2 messages as read.");
    await expect(row(page, `Pocket one ${RUN}`)).not.toHaveAccessibleName(/^Unread/);
  });
});
