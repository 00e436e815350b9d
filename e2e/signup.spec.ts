import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { solve } from "../lib/web/signup/proof-of-work";
import { signIn } from "./support/session";

// Sign-up (the e2e server runs with SIGNUP=open, where invite links work too and skip the hourly limit):
// an administrator makes an invite on the Invites page, a newcomer signs up with it and lands in an inbox
// holding the welcome message; open sign-up from one address stops after three accounts an hour, in
// words; the new user's sessions are listed in Settings and "Sign out everywhere" ends them all.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const newcomer = { localPart: `newcomer.${RUN}`, address: `newcomer.${RUN}@example.test`, password: "a sound passphrase 2026" };

async function fillSignup(page: Page, localPart: string, password: string) {
  await page.getByLabel("Your address").fill(localPart);
  // Other specs add domains (the administration spec): the newcomer's is chosen, not the first listed.
  await page.getByLabel("Domain", { exact: true }).selectOption("example.test");
  await page.getByLabel("Your name").fill("New Comer");
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(password);
}

async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

/** An open sign-up straight through the API, as a script would, with a solved challenge. */
async function apiSignup(request: APIRequestContext, baseURL: string, localPart: string, extra: Record<string, string> = {}) {
  const { challenge, bits } = (await (await request.get("/api/signup/challenge")).json()) as { challenge: string; bits: number };
  return { challenge, send: async () => request.post("/api/signup", { headers: { origin: baseURL }, data: { localPart, domain: "example.test", password: newcomer.password, challenge, solution: await solve(challenge, bits), ...extra } }) };
}

test("an invite link made by an administrator signs a newcomer up into an inbox with a welcome message", async ({ page, browser }) => {
  await signIn(page);
  await page.goto("/admin/invites");
  await page.getByLabel("Note (for whom)").fill(`for ${RUN}`);
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = await page.getByRole("textbox", { name: "Invite link" }).inputValue();
  expect(link).toMatch(/\/signup\?invite=[A-Za-z0-9_-]{32}$/);
  await expect(page.getByTestId("invite").filter({ hasText: `for ${RUN}` })).toContainText("unused");

  const guest = await newPage(browser);
  await guest.goto(link);
  await expect(guest.getByText("You were invited")).toBeVisible();
  await fillSignup(guest, newcomer.localPart, "short");
  await expect(guest.getByTestId("password-strength")).toHaveText(/too short/);
  await guest.getByRole("button", { name: "Create account" }).click();
  await expect(guest.locator("#signup-error")).toContainText("too short or too easy to guess");
  await guest.getByLabel("Password", { exact: true }).fill(newcomer.password);
  await guest.getByLabel("Confirm password").fill(newcomer.password);
  await expect(guest.getByTestId("password-strength")).toHaveText(/good|strong/);
  await guest.getByRole("button", { name: "Create account" }).click();
  await expect(guest).toHaveURL(/\/(\?.*)?$/, { timeout: 20_000 });
  await expect(guest.getByText("Welcome to your new mailbox")).toBeVisible({ timeout: 15_000 });

  // Once only: the same link now says so, and the list shows who used it.
  await guest.goto(link);
  await expect(guest.getByText("This invite link has already been used")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("invite").filter({ hasText: `for ${RUN}` })).toContainText(`Used by ${newcomer.address}`);
});

test("open sign-up from one address stops after three accounts an hour, and scripts are told apart", async ({ page, baseURL }) => {
  const request = page.request;
  const origin = baseURL!;
  // Challenges are dated: all taken now, sent after the minimum fill time.
  const early = await apiSignup(request, origin, `tooquick.${RUN}`);
  expect((await early.send()).status()).toBe(400);
  const tries = await Promise.all([1, 2, 3].map((n) => apiSignup(request, origin, `open${n}.${RUN}`)));
  const honeypot = await apiSignup(request, origin, `bot.${RUN}`, { website: "http://spam.example" });
  await page.waitForTimeout(3_100);
  expect(await (await honeypot.send()).json()).toMatchObject({ error: expect.stringContaining("filled in by a program") });
  for (const attempt of tries) expect((await attempt.send()).status()).toBe(201);
  const reused = await request.post("/api/signup", { headers: { origin }, data: { localPart: `again.${RUN}`, domain: "example.test", password: newcomer.password, challenge: tries[0].challenge, solution: "0" } });
  expect(reused.status()).toBe(400);

  await page.goto("/login");
  await page.getByRole("link", { name: "Create one" }).click();
  await fillSignup(page, `fourth.${RUN}`, newcomer.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#signup-error")).toContainText(/Too many new accounts were created from your network\. Try again in \d+ minutes/, { timeout: 20_000 });
});

test("Settings lists the user's sessions, and Sign out everywhere ends them all", async ({ browser }) => {
  const [first, second] = [await newPage(browser), await newPage(browser)];
  for (const page of [first, second]) await signIn(page, { address: newcomer.address, password: newcomer.password });
  await first.goto("/settings#account");
  const sessions = first.getByTestId("web-session");
  // The sign-up's own session, and these two.
  await expect(sessions).toHaveCount(3);
  await expect(sessions.filter({ hasText: "This browser" })).toHaveCount(1);
  await expect(first.getByTestId("storage-use")).toContainText(/ of 5,120 MB used/);

  await first.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(first).toHaveURL(/\/login/);
  // The other browser's open mail page may already be on its way to the sign-in page by itself.
  await second.goto("/settings").catch(() => undefined);
  await expect(second).toHaveURL(/\/login/);
  expect((await second.request.get("/api/account/sessions")).status()).toBe(401);
});
