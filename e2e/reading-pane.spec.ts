// Where the message opens: right of the list (default), below it, or in the list's place with a back
// button; the choice is kept across reloads, and phones keep showing one pane at a time whatever it is.
import { devices, expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { deliver } from "./support/deliver";
import { E2E_PORTS } from "./support/ports";
import { signIn } from "./support/session";
import { closeSettings, openSettings, screenshot } from "./support/settings";

const SUBJECT = `Pane check ${Date.now().toString(36)}`;

test.beforeAll(async () => {
  await deliver({ to: ADMIN.address, subject: SUBJECT, text: "Where do I open?" });
});

const list = (page: Page) => page.getByRole("region", { name: "Message list" });
const reader = (page: Page) => page.getByRole("region", { name: "Reading pane" });
const row = (page: Page) => page.getByRole("list", { name: "Messages" }).getByRole("button", { name: new RegExp(SUBJECT) });
const heading = (page: Page) => page.getByRole("article", { name: "Message" }).getByRole("heading", { name: SUBJECT });

async function box(region: ReturnType<typeof list>) {
  const found = await region.boundingBox();
  if (!found) throw new Error("not laid out");
  return found;
}

async function choose(page: Page, label: string) {
  const settings = await openSettings(page);
  await settings.getByRole("radio", { name: label }).check();
  await closeSettings(page);
}

test.describe("desktop", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("right of the list by default, below it when chosen", async ({ page }, testInfo) => {
    await signIn(page);
    await row(page).click();
    await expect(heading(page)).toBeVisible();
    let listBox = await box(list(page));
    let readerBox = await box(reader(page));
    expect(readerBox.x).toBeGreaterThanOrEqual(listBox.x + listBox.width - 1);
    expect(readerBox.y).toBe(listBox.y);

    await choose(page, "Below the list");
    await expect(heading(page)).toBeVisible();
    listBox = await box(list(page));
    readerBox = await box(reader(page));
    expect(readerBox.y).toBeGreaterThanOrEqual(listBox.y + listBox.height - 1);
    expect(readerBox.x).toBe(listBox.x);
    expect(readerBox.width).toBe(listBox.width);
    await screenshot(page, testInfo, "reading-pane-bottom");

    // Kept across a reload (a cookie the server reads, so the first paint is already laid out so).
    await page.reload();
    await expect(heading(page)).toBeVisible();
    expect((await box(reader(page))).y).toBeGreaterThanOrEqual(listBox.y + listBox.height - 1);
  });

  test("off: the message takes the list's place, with a back button", async ({ page }, testInfo) => {
    await signIn(page);
    await choose(page, "Off: a message opens in place of the list");
    await expect(reader(page)).toBeHidden();
    const listBox = await box(list(page));

    await row(page).click();
    await expect(heading(page)).toBeVisible();
    await expect(list(page)).toBeHidden();
    const readerBox = await box(reader(page));
    expect(readerBox.x).toBe(listBox.x);
    expect(readerBox.width).toBe(listBox.width);
    await screenshot(page, testInfo, "reading-pane-off");

    await page.getByRole("button", { name: "Back to the list" }).click();
    await expect(list(page)).toBeVisible();
    await expect(reader(page)).toBeHidden();
    // The browser's own back button works the same way.
    await row(page).click();
    await expect(heading(page)).toBeVisible();
    await page.goBack();
    await expect(row(page)).toBeVisible();
    await expect(reader(page)).toBeHidden();
  });
});

test.describe("phone", () => {
  const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = devices["Pixel 5"];
  test.use({ viewport, userAgent, deviceScaleFactor, isMobile, hasTouch });

  for (const position of ["bottom", "off"]) {
    test(`one pane at a time with the reading pane set to ${position}`, async ({ page, context }) => {
      await context.addCookies([{ name: "webmail-reading-pane", value: position, url: `http://127.0.0.1:${E2E_PORTS.web}` }]);
      await signIn(page);
      await expect(list(page)).toBeVisible();
      await expect(reader(page)).toBeHidden();
      await row(page).tap();
      await expect(heading(page)).toBeVisible();
      await expect(list(page)).toBeHidden();
      await page.getByRole("button", { name: "Back to the list" }).tap();
      await expect(list(page)).toBeVisible();
      await expect(reader(page)).toBeHidden();
    });
  }
});
