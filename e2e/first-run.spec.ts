import { expect, test, type Page } from "@playwright/test";

// One mail server for the whole file, and creating the first account is a one-way step: order matters.
test.describe.configure({ mode: "serial" });

const ADDRESS = "admin@example.test";
const PASSWORD = "correct horse battery staple";

function form(page: Page) {
  return {
    address: page.getByLabel("E-mail address"),
    displayName: page.getByLabel("Display name"),
    password: page.getByLabel("Password", { exact: true }),
    confirm: page.getByLabel("Confirm password"),
    submit: page.getByRole("button", { name: "Create account" }),
    // Scoped to the form: Next.js adds its own role="alert" route announcer to every page.
    error: page.locator("form").getByRole("alert"),
  };
}

/** POSTs to /api/setup from inside the page, so the browser sets Origin exactly as the form's fetch does. */
async function postSetup(page: Page, body: object) {
  return page.evaluate(async (json) => {
    const response = await fetch("/api/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(json) });
    return { status: response.status, body: (await response.json()) as { error?: unknown } };
  }, body);
}

test("the set-up form is usable on a phone", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto("/setup");
  const f = form(page);
  await expect(page.getByRole("heading", { name: "Create the first account" })).toBeVisible();

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "horizontal scroll").toBeLessThanOrEqual(0);
  for (const control of [f.address, f.displayName, f.password, f.confirm, f.submit]) {
    const box = await control.boundingBox();
    expect(box, "control is laid out").not.toBeNull();
    expect(box?.height ?? 0, "touch target height").toBeGreaterThanOrEqual(44);
    expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 360, "control within the screen").toBe(true);
  }
  await f.address.fill(ADDRESS);
  await expect(f.address).toHaveValue(ADDRESS);
});

test("first run: / leads to set-up, the first account is created, set-up closes", async ({ page, context }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);

  // A second tab that still shows the form when the account gets created elsewhere.
  const late = await context.newPage();
  await late.goto("/setup");

  const f = form(page);
  await f.address.fill(ADDRESS);
  await f.displayName.fill("Site Admin");
  await f.password.fill("short");
  await f.confirm.fill("short");
  await f.submit.click();
  await expect(f.error).toContainText("at least 10 characters");
  await expect(f.password).toHaveAttribute("aria-invalid", "true");
  await expect(f.password).toBeFocused();

  // The browser's checks are a courtesy: the mail server refuses a short password on its own.
  const refused = await postSetup(page, { address: ADDRESS, password: "short", displayName: "" });
  expect(refused.status).toBe(400);
  expect(typeof refused.body.error).toBe("string");

  await f.password.fill(PASSWORD);
  await f.confirm.fill(PASSWORD);
  await f.submit.click();
  await expect(page).toHaveURL(/\/setup\/done\?address=admin%40example\.test$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Your account ${ADDRESS} is ready`);
  await expect(page.getByRole("heading", { name: /IMAP/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: /SMTP/ })).toBeVisible();

  // The stale tab submits too: the server's 409 words are shown and nothing is created.
  const l = form(late);
  await l.address.fill("second@example.test");
  await l.password.fill(PASSWORD);
  await l.confirm.fill(PASSWORD);
  const answer = late.waitForResponse((r) => r.url().endsWith("/api/setup"));
  await l.submit.click();
  expect((await answer).status()).toBe(409);
  await expect(l.error).not.toBeEmpty();
  await expect(late).toHaveURL(/\/setup$/);
  await expect(l.submit).toBeEnabled();

  // Set-up is over: the mail page now asks who is signing in.
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();

  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login$/);

  const again = await postSetup(page, { address: "other@example.test", password: PASSWORD, displayName: "" });
  expect(again.status).toBe(409);
  expect(typeof again.body.error).toBe("string");
});

test("/api/setup refuses cross-site requests", async ({ request }) => {
  const body = { address: "evil@example.test", password: PASSWORD, displayName: "" };
  const foreign = await request.post("/api/setup", { data: body, headers: { origin: "https://evil.example" } });
  expect(foreign.status()).toBe(403);
  const crossSite = await request.post("/api/setup", { data: body, headers: { "sec-fetch-site": "cross-site" } });
  expect(crossSite.status()).toBe(403);
});
