import { expect, type Page } from "@playwright/test";
import { ADMIN } from "./accounts";

export async function signIn(page: Page, account: { address: string; password: string } = ADMIN) {
  await page.goto("/login");
  await page.getByLabel("E-mail address").fill(account.address);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/(\?.*)?$/);
}

/** Waits until the page's web session has been ended elsewhere: its mail API answers 401. */
export async function expectSignedOut(page: Page) {
  await expect.poll(async () => (await page.request.get("/api/mail/folders")).status(), { timeout: 10_000 }).toBe(401);
}
