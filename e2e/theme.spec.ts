// Light and dark themes: the system's preference by default, the reader's choice in Settings (kept in a
// cookie across reloads), and the message frame always light because mail HTML is written for white.
import { devices, expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { deliver } from "./support/deliver";
import { signIn } from "./support/session";
import { backgroundLuminance, closeSettings, openSettings, screenshot } from "./support/settings";

const SUBJECT = `Theme check ${Date.now().toString(36)}`;

test.beforeAll(async () => {
  await deliver({ to: ADMIN.address, subject: SUBJECT, html: "<p>Written for a white page.</p>" });
});

const DARK = 0.05;
const LIGHT = 0.8;

function body(page: Page) {
  return backgroundLuminance(page.locator("body"));
}

test.describe("desktop", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("follows the system's preference until the reader chooses", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await signIn(page);
    expect(await body(page)).toBeLessThan(DARK);
    await page.emulateMedia({ colorScheme: "light" });
    expect(await body(page)).toBeGreaterThan(LIGHT);
  });

  test("the toggle in Settings switches at once, survives a reload, and the message frame stays light", async ({ page }, testInfo) => {
    await page.emulateMedia({ colorScheme: "light" });
    await signIn(page);
    const settings = await openSettings(page);
    await expect(settings.getByRole("radio", { name: "Same as the system" })).toBeChecked();
    await settings.getByRole("radio", { name: "Dark" }).check();
    expect(await body(page)).toBeLessThan(DARK);
    await closeSettings(page);
    await expect(settings).toBeHidden();

    await page.reload();
    expect(await body(page)).toBeLessThan(DARK);
    await page.getByRole("list", { name: "Messages" }).getByRole("button", { name: new RegExp(SUBJECT) }).click();
    const frameBody = page.frameLocator('iframe[title="Message body"]').locator("body");
    await expect(frameBody).toContainText("Written for a white page.");
    expect(await backgroundLuminance(frameBody)).toBeGreaterThan(0.95);
    await screenshot(page, testInfo, "message-dark-desktop");

    // Light wins over a dark system when chosen; "same as the system" gives the choice back.
    await page.emulateMedia({ colorScheme: "dark" });
    const again = await openSettings(page);
    await again.getByRole("radio", { name: "Light" }).check();
    expect(await body(page)).toBeGreaterThan(LIGHT);
    await again.getByRole("radio", { name: "Same as the system" }).check();
    expect(await body(page)).toBeLessThan(DARK);
  });
});

test.describe("phone", () => {
  const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = devices["Pixel 5"];
  test.use({ viewport, userAgent, deviceScaleFactor, isMobile, hasTouch });

  test("Settings is in the header and the theme switches there too", async ({ page }, testInfo) => {
    await page.emulateMedia({ colorScheme: "light" });
    await signIn(page);
    const box = await page.getByRole("link", { name: "Settings" }).boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
    const settings = await openSettings(page);
    await settings.getByRole("radio", { name: "Dark" }).check();
    expect(await body(page)).toBeLessThan(DARK);
    await closeSettings(page);
    await screenshot(page, testInfo, "inbox-dark-phone");
  });
});
