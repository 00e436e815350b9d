// The settings dialog from the header, and what the page looks like, for the appearance specs.
import { expect, type Locator, type Page, type TestInfo } from "@playwright/test";

/**
 * Opens Settings; clicked again until the page has hydrated and the dialog shows. The dialog's code
 * loads on first use, so it may appear after the next try began: then the button is behind it and
 * that click gives up rather than wait for a button it can't reach.
 */
export async function openSettings(page: Page, name = "Settings"): Promise<Locator> {
  const dialog = page.getByRole("dialog", { name });
  await expect(async () => {
    if (!(await dialog.isVisible())) await page.getByRole("button", { name }).click({ timeout: 2000 });
    await expect(dialog).toBeVisible({ timeout: 3000 });
  }).toPass({ timeout: 20_000 });
  return dialog;
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
