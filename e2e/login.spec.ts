import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { signIn } from "./support/session";

/** Neither the mail API nor (where the page can tell) the mail page answers this browser any more. */
async function expectSignedOut(page: Page) {
  expect((await page.request.get("/api/mail/folders")).status()).toBe(401);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
}

// Both also run against Dovecot (playwright.dovecot.config.ts).
test("signed out, / leads to the sign-in page", { tag: "@dovecot" }, async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
});

test("a wrong password is refused with a clear message, the right one signs in, sign-out ends it", { tag: "@dovecot" }, async ({ page, context }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail address").fill(ADMIN.address);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong e-mail address or password.");
  await expect(page).toHaveURL(/\/login$/);

  await signIn(page);
  const cookies = await context.cookies();
  const session = cookies.find((cookie) => cookie.name.endsWith("next-auth.session-token"));
  expect(session, "session cookie").toBeDefined();
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");
  // The browser learns the address and nothing sealed.
  const sessionJson = await page.evaluate(async () => (await fetch("/api/auth/session")).text());
  expect(sessionJson).toContain(ADMIN.address);
  expect(sessionJson).not.toContain("sealed");
  expect(session?.value).not.toContain(ADMIN.password);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expectSignedOut(page);

  // The token copied before sign-out no longer opens the mailbox.
  await context.addCookies([{ ...session!, expires: session!.expires }]);
  await expectSignedOut(page);
});

