import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { deliver } from "./support/deliver";
import { expectSignedOut, signIn } from "./support/session";
import { closeSettings, openSettings } from "./support/settings";

// One story, in order: an administrator sets up a domain and an account, its user works, then is disabled.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const DOMAIN = `club-${RUN}.example`;
const USER = { address: `sam@${DOMAIN}`, password: "sam's long passphrase 7" };
// The password Sam chooses instead of the one the administrator gave.
const OWN_PASSWORD = "sam's own passphrase, 2026";
// What the administrator sets when Sam's account may have been broken into.
const RESET_PASSWORD = "reset by the administrator 99";

/**
 * Waits until the page's web session is over, then gives a fresh page of the same browser: the old one
 * reloads to the sign-in page by itself, and a navigation of ours could collide with that one.
 */
async function signedOut(page: Page): Promise<Page> {
  await expectSignedOut(page);
  await page.close();
  return page.context().newPage();
}

async function signInRefused(page: Page, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail address").fill(USER.address);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong e-mail address or password.");
}

test("an administrator creates a domain and a user; the user works and changes the password; a reset and a disabling sign the user out", async ({ page, browser }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  await page.getByRole("link", { name: "Administration" }).click();
  await expect(page).toHaveURL(/\/admin\/status$/);
  await expect(page.getByRole("img", { name: /Messages per hour over the last 24 hours/ })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), "no sideways scroll on a phone").toBeLessThanOrEqual(0);

  const nav = page.getByRole("navigation", { name: "Administration" });
  await nav.getByRole("link", { name: "Domains" }).click();
  await page.getByLabel("Domain name").fill("not a domain!");
  await page.getByRole("button", { name: "Add domain" }).click();
  // Scoped to the page's main: Next.js adds its own role="alert" route announcer.
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Not done:");
  await page.getByLabel("Domain name").fill(DOMAIN);
  await page.getByRole("button", { name: "Add domain" }).click();
  const added = page.getByRole("status").filter({ hasText: `Domain ${DOMAIN} added` });
  await expect(added).toContainText(`${DOMAIN}.\tIN\tMX`);

  await nav.getByRole("link", { name: "Accounts" }).click();
  const create = page.locator("form").filter({ has: page.getByRole("button", { name: "Create account" }) });
  await create.getByLabel("E-mail address").fill(USER.address);
  await create.getByLabel("Password").fill("short");
  await create.getByRole("button", { name: "Create account" }).click();
  await expect(create.getByRole("alert")).toContainText(/password/i);
  await create.getByLabel("E-mail address").fill(USER.address);
  await create.getByLabel("Password").fill(USER.password);
  await create.getByLabel("Quota").fill("1G");
  await create.getByRole("button", { name: "Create account" }).click();
  await expect(create.getByRole("status")).toHaveText(`Account ${USER.address} created.`);
  await expect(page.getByText(USER.address, { exact: true })).toBeVisible();

  // The last administrator can't step down; the answer says why.
  await page.getByText(`Manage ${ADMIN.address}`).click();
  await page.getByRole("button", { name: "Remove administrator" }).click();
  await expect(page.getByRole("main").getByRole("alert").filter({ hasText: "last administrator" })).toBeVisible();

  // The user, in a browser of their own, signs in and reads mail; administration doesn't exist for them.
  const userContext = await browser.newContext();
  let userPage = await userContext.newPage();
  await deliver({ to: USER.address, subject: `Welcome ${RUN}`, text: "Hello Sam." });
  await signIn(userPage, USER);
  await expect(userPage.getByText(`Welcome ${RUN}`)).toBeVisible();
  await expect(userPage.getByRole("link", { name: "Administration" })).toHaveCount(0);
  expect((await userPage.goto("/admin/accounts"))?.status()).toBe(404);
  await userPage.goto("/");

  // Sam is signed in on a second device too; replacing the password the administrator chose ends that
  // session, keeps this one, and only the new password signs in from now on.
  const elsewhere = await browser.newContext();
  let elsewherePage = await elsewhere.newPage();
  await signIn(elsewherePage, USER);
  const section = (await openSettings(userPage)).locator("#password");
  await section.getByLabel("Current password").fill(USER.password);
  await section.getByLabel("New password", { exact: true }).fill(OWN_PASSWORD);
  await section.getByLabel("New password again").fill(OWN_PASSWORD);
  await section.getByRole("button", { name: "Change password" }).click();
  await expect(section.getByRole("status")).toHaveText("Password changed");
  await closeSettings(userPage);
  elsewherePage = await signedOut(elsewherePage);
  await expect(userPage.getByRole("navigation", { name: "Folders" })).toBeVisible();
  expect((await userPage.request.get("/api/mail/folders")).status()).toBe(200);
  await signInRefused(elsewherePage, USER.password);
  await signIn(elsewherePage, { address: USER.address, password: OWN_PASSWORD });

  // The administrator resets Sam's password: every session signed in with the old one is over.
  await page.getByText(`Manage ${USER.address}`).click();
  const row = page.locator("li").filter({ has: page.getByText(`Manage ${USER.address}`) });
  await row.getByLabel("New password").fill(RESET_PASSWORD);
  await row.getByRole("button", { name: "Set password" }).click();
  await expect(row.getByRole("status").filter({ hasText: "password" })).toContainText(`The password of ${USER.address} was changed`);
  userPage = await signedOut(userPage);
  await signedOut(elsewherePage);
  await elsewhere.close();
  await signInRefused(userPage, OWN_PASSWORD);
  await signIn(userPage, { address: USER.address, password: RESET_PASSWORD });

  // The administrator's own row has no reset: their password is changed in Settings, with the current one.
  const ownRow = page.locator("li").filter({ has: page.getByText(`Manage ${ADMIN.address}`) });
  await expect(ownRow.getByRole("button", { name: "Set password" })).toHaveCount(0);
  await expect(ownRow.getByText("Your own password is changed in Settings")).toHaveCount(1);

  const disable = row.getByRole("button", { name: "Disable" });
  if (!(await disable.isVisible())) await page.getByText(`Manage ${USER.address}`).click();
  await disable.click();
  await expect(row.getByRole("status").filter({ hasText: "disabled" })).toContainText(`${USER.address} is disabled`);

  // The open web session is over (its IMAP connection was ended), and signing in again is refused.
  userPage = await signedOut(userPage);
  await signInRefused(userPage, RESET_PASSWORD);
  await userContext.close();
});
