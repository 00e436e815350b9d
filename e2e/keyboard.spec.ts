// Gmail's keyboard shortcuts: each key does its thing on the list and the open message, none fires
// while typing in the search box or with a modifier held, and "?" lists them. In folders of their own.
import { devices, expect, test, type Page } from "@playwright/test";
import { seed } from "./support/imap";
import { signIn } from "./support/session";

test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);

/** Three messages, newest first in the list: `${name} 3`, `${name} 2`, `${name} 1`. */
async function folderOfThree(name: string) {
  const folder = `${name} ${RUN}`;
  await seed(folder, [1, 2, 3].map((n) => ({ subject: `${name} ${n} ${RUN}`, date: new Date(Date.UTC(2026, 9, n)).toUTCString() })));
  return folder;
}

function row(page: Page, subject: string) {
  return page.getByRole("list", { name: "Messages" }).getByRole("button", { name: new RegExp(subject) });
}

function opened(page: Page, subject: string) {
  return page.getByRole("article", { name: "Message" }).getByRole("heading", { name: subject });
}

const toast = (page: Page) => page.getByRole("status");

/** Opens the folder and waits until the page listens to the keyboard (it has hydrated): "j" opened the newest. */
async function openWithJ(page: Page, folder: string, newest: string) {
  await page.goto(`/?${new URLSearchParams({ folder })}`);
  await expect(row(page, newest)).toBeVisible();
  await expect(async () => {
    await page.keyboard.press("j");
    await expect(opened(page, newest)).toBeVisible({ timeout: 500 });
  }).toPass();
}

test.describe("desktop", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("j/k move and open, u goes back, o and Enter open, x selects, with a visible focus", async ({ page }) => {
    const name = "Keys move";
    const folder = await folderOfThree(name);
    await signIn(page);
    await openWithJ(page, folder, `${name} 3 ${RUN}`);
    await page.keyboard.press("j");
    await expect(opened(page, `${name} 2 ${RUN}`)).toBeVisible();
    await expect(row(page, `${name} 2 ${RUN}`)).toBeFocused();
    // The keyboard's place is drawn: a focus ring on the row.
    expect(await row(page, `${name} 2 ${RUN}`).evaluate((element) => getComputedStyle(element).outlineStyle)).not.toBe("none");
    await page.keyboard.press("j");
    await expect(opened(page, `${name} 1 ${RUN}`)).toBeVisible();
    // At the end of the list, j stays.
    await page.keyboard.press("j");
    await expect(opened(page, `${name} 1 ${RUN}`)).toBeVisible();
    await page.keyboard.press("k");
    await expect(opened(page, `${name} 2 ${RUN}`)).toBeVisible();

    await page.keyboard.press("u");
    await expect(page.getByText("Select a message to read it.")).toBeVisible();
    await page.keyboard.press("o");
    await expect(opened(page, `${name} 2 ${RUN}`)).toBeVisible();
    await page.keyboard.press("u");
    await expect(page.getByText("Select a message to read it.")).toBeVisible();
    // Enter from the page itself, not from a button that Enter would press anyway.
    await page.locator("body").focus();
    await page.keyboard.press("Enter");
    await expect(opened(page, `${name} 2 ${RUN}`)).toBeVisible();

    const tick = page.getByRole("list", { name: "Messages" }).getByRole("checkbox", { name: new RegExp(`${name} 2 ${RUN}`) });
    await page.keyboard.press("x");
    await expect(tick).toBeChecked();
    await expect(page.getByText("1 selected")).toBeVisible();
    await page.keyboard.press("x");
    await expect(tick).not.toBeChecked();
  });

  test("s flags and unflags, Shift+I and Shift+U mark read and unread, selected rows first", async ({ page }) => {
    const name = "Keys flags";
    const folder = await folderOfThree(name);
    await signIn(page);
    await openWithJ(page, folder, `${name} 3 ${RUN}`);
    const newest = row(page, `${name} 3 ${RUN}`);
    await expect(newest).not.toHaveAccessibleName(/^Unread/);
    await page.keyboard.press("s");
    await expect(newest).toHaveAccessibleName(/flagged/);
    await page.keyboard.press("s");
    await expect(newest).not.toHaveAccessibleName(/flagged/);
    await page.keyboard.press("Shift+U");
    await expect(newest).toHaveAccessibleName(/^Unread/);
    await page.keyboard.press("Shift+I");
    await expect(newest).not.toHaveAccessibleName(/^Unread/);

    // With rows ticked, the keys act on them rather than on the open message.
    await page.keyboard.press("j");
    await page.keyboard.press("x");
    await page.keyboard.press("j");
    await page.keyboard.press("x");
    await expect(page.getByText("2 selected")).toBeVisible();
    await page.keyboard.press("s");
    await expect(toast(page)).toContainText("Flagged 2 messages.");
    await expect(row(page, `${name} 2 ${RUN}`)).toHaveAccessibleName(/flagged/);
    await expect(row(page, `${name} 1 ${RUN}`)).toHaveAccessibleName(/flagged/);
    await expect(newest).not.toHaveAccessibleName(/flagged/);
  });

  test("e archives and # deletes the open message, back to the list", async ({ page }) => {
    const name = "Keys remove";
    const folder = await folderOfThree(name);
    await signIn(page);
    await openWithJ(page, folder, `${name} 3 ${RUN}`);
    await page.keyboard.press("e");
    await expect(toast(page)).toContainText("Archived 1 message.");
    await expect(row(page, `${name} 3 ${RUN}`)).toHaveCount(0);
    await expect(page.getByText("Select a message to read it.")).toBeVisible();

    await page.keyboard.press("o");
    await expect(opened(page, `${name} 2 ${RUN}`)).toBeVisible();
    await page.keyboard.press("#");
    await expect(toast(page)).toContainText("Moved 1 message to Trash.");
    await expect(row(page, `${name} 2 ${RUN}`)).toHaveCount(0);
    await expect(row(page, `${name} 1 ${RUN}`)).toBeVisible();
  });

  test("nothing fires in the search box or with a modifier; / focuses search and ? lists the keys", async ({ page }) => {
    const name = "Keys typing";
    const folder = await folderOfThree(name);
    await signIn(page);
    await openWithJ(page, folder, `${name} 3 ${RUN}`);

    await page.keyboard.press("/");
    const box = page.getByRole("searchbox", { name: "Search" });
    await expect(box).toBeFocused();
    await page.keyboard.type("jkoux#es?/IU");
    await page.keyboard.press("Enter");
    await expect(box).toHaveValue("jkoux#es?/IU");
    await page.getByRole("button", { name: "Close search" }).click();
    await expect(opened(page, `${name} 3 ${RUN}`)).toBeVisible();
    await expect(row(page, `${name} 3 ${RUN}`)).not.toHaveAccessibleName(/flagged|^Unread/);
    await expect(page.getByText(/selected$/)).toHaveCount(0);
    await expect(toast(page)).toBeEmpty();

    await row(page, `${name} 3 ${RUN}`).focus();
    for (const chord of ["Alt+e", "Control+u", "Meta+j"]) await page.keyboard.press(chord);
    await expect(opened(page, `${name} 3 ${RUN}`)).toBeVisible();
    await expect(toast(page)).toBeEmpty();

    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await expect(help).toBeVisible();
    for (const label of ["Next message or conversation", "Archive", "Delete", "Flag or unflag", "Mark as unread", "Search"]) await expect(help.getByText(label, { exact: true })).toBeVisible();
    // Keys go to the dialog while it is open.
    await page.keyboard.press("j");
    await expect(opened(page, `${name} 3 ${RUN}`)).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(help).toBeHidden();
  });

  test("in the conversation view j opens the next conversation", async ({ page }) => {
    const name = "Keys threads";
    const folder = await folderOfThree(name);
    await signIn(page);
    await openWithJ(page, folder, `${name} 3 ${RUN}`);
    await page.getByRole("button", { name: "Conversations" }).click();
    const conversations = page.getByRole("list", { name: "Conversations" });
    await expect(conversations.getByRole("button", { name: new RegExp(`${name} 3 ${RUN}`) })).toBeVisible();
    await page.keyboard.press("j");
    await expect(opened(page, `${name} 2 ${RUN}`)).toBeVisible();
    await expect(conversations.getByRole("button", { name: new RegExp(`^Sender, ${name} 2 ${RUN}`), expanded: true })).toBeVisible();
    await page.keyboard.press("k");
    await expect(opened(page, `${name} 3 ${RUN}`)).toBeVisible();
  });
});

test.describe("phone", () => {
  const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = devices["Pixel 5"];
  test.use({ viewport, userAgent, deviceScaleFactor, isMobile, hasTouch });

  test("with one pane at a time, j/k move in the list, o opens, j/k then go message to message, u goes back", async ({ page }) => {
    const name = "Keys phone";
    const folder = await folderOfThree(name);
    await signIn(page);
    await page.goto(`/?${new URLSearchParams({ folder })}`);
    const list = page.getByRole("region", { name: "Message list" });
    await expect(row(page, `${name} 3 ${RUN}`)).toBeVisible();
    await expect(async () => {
      await page.keyboard.press("j");
      await expect(row(page, `${name} 3 ${RUN}`)).toBeFocused({ timeout: 500 });
    }).toPass();
    await page.keyboard.press("j");
    await expect(row(page, `${name} 2 ${RUN}`)).toBeFocused();
    await expect(list).toBeVisible();
    await page.keyboard.press("o");
    await expect(opened(page, `${name} 2 ${RUN}`)).toBeVisible();
    await expect(list).toBeHidden();
    await page.keyboard.press("j");
    await expect(opened(page, `${name} 1 ${RUN}`)).toBeVisible();
    await page.keyboard.press("u");
    await expect(list).toBeVisible();
    await expect(page.getByRole("article", { name: "Message" })).toBeHidden();
  });
});
