import { expect, test } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { signIn } from "./support/session";

test("signed out, / leads to the sign-in page", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
});

test("a wrong password is refused with a clear message, the right one signs in, sign-out ends it", async ({ page, context }) => {
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
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);

  // The token copied before sign-out no longer opens the mailbox.
  await context.addCookies([{ ...session!, expires: session!.expires }]);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
});
