// The Settings page from the header, and what the page looks like, for the appearance specs.
import { expect, type Locator, type Page, type TestInfo } from "@playwright/test";

/** The Settings page's content (its main landmark, named by its heading). */
export function settingsPage(page: Page, name = "Settings"): Locator {
  return page.getByRole("main", { name });
}

/** Opens Settings by the header's link (clicked again until the mail page has hydrated and navigates). */
export async function openSettings(page: Page, name = "Settings"): Promise<Locator> {
  const settings = settingsPage(page, name);
  await expect(async () => {
    if (!(await settings.isVisible())) await page.getByRole("link", { name }).click({ timeout: 2000 });
    await expect(settings).toBeVisible({ timeout: 3000 });
  }).toPass({ timeout: 20_000 });
  return settings;
}

/** Back to the mail page by Settings' "Done". */
export async function closeSettings(page: Page, done = "Done"): Promise<void> {
  await page.getByRole("link", { name: done, exact: true }).click();
  await expect(page.getByRole("region", { name: /Message list|邮件列表/ })).toBeVisible();
}

/** Relative luminance (0 black … 1 white) of an element's computed background colour, whatever CSS
 *  colour syntax it is written in (Tailwind 4 uses oklch): a canvas turns it into sRGB bytes. */
export function backgroundLuminance(element: Locator): Promise<number> {
  return element.evaluate((node) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    if (!context) throw new Error("no 2d canvas");
    context.fillStyle = getComputedStyle(node).backgroundColor;
    context.fillRect(0, 0, 1, 1);
    const [r, g, b] = Array.from(context.getImageData(0, 0, 1, 1).data.slice(0, 3), (byte) => {
      const c = byte / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  });
}

/** A screenshot kept as a file under test-results/ and attached to the report. */
export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  await testInfo.attach(name, { path: testInfo.outputPath(`${name}.png`), contentType: "image/png" });
}
