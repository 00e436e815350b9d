import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { deliver } from "./support/deliver";
import { startRemoteHost, type RemoteHost } from "./support/remote-host";
import { signIn } from "./support/session";

// Reading extras (cid: images, images per sender, source, .eml, previews, print) and search.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const SUBJECTS = {
  cid: `Inline logo ${RUN}`,
  news1: `Newsletter one ${RUN}`,
  news2: `Newsletter two ${RUN}`,
  files: `Scans ${RUN}`,
  source: `Source <b>check</b> ${RUN}`,
};
const WORD = `zebracorn${RUN}`;
let remote: RemoteHost;

test.beforeAll(async () => {
  remote = await startRemoteHost();
  await deliver({
    to: ADMIN.address,
    subject: SUBJECTS.cid,
    html: `<p>Our logo:</p><img src="cid:logo.${RUN}@example.test" alt="inline logo" width="20" height="20">`,
    attachments: [{ filename: "logo.png", content: PNG, contentType: "image/png", cid: `logo.${RUN}@example.test` }],
  });
  for (const subject of [SUBJECTS.news1, SUBJECTS.news2]) {
    await deliver({ from: `News <news.${RUN}@remote.example>`, to: ADMIN.address, subject, html: `<p>news</p><img src="${remote.origin}/${encodeURIComponent(subject)}.png" alt="pixel">` });
  }
  await deliver({
    from: `Scanner <scanner.${RUN}@remote.example>`,
    to: ADMIN.address,
    subject: SUBJECTS.files,
    text: `Two scans, search word ${WORD}.`,
    attachments: [
      { filename: "scan.png", content: PNG, contentType: "image/png" },
      { filename: "scan.pdf", content: Buffer.from("%PDF-1.4\n%%EOF\n"), contentType: "application/pdf" },
      { filename: "memo.mp3", content: Buffer.from("ID3"), contentType: "audio/mpeg" },
    ],
  });
  await deliver({ to: ADMIN.address, subject: SUBJECTS.source, text: `Body with <script>alert(1)</script> and ${WORD}.` });
});

test.afterAll(async () => {
  await remote.close();
});

test.use({ viewport: { width: 1280, height: 800 } });

/** Opens by URL (the UID looked up through the API), so these tests do not depend on the list's markup. */
async function open(page: Page, subject: string) {
  const listing = await page.request.get("/api/mail/messages?folder=INBOX&limit=200");
  const { messages } = (await listing.json()) as { messages: { uid: number; subject: string }[] };
  const uid = messages.find((message) => message.subject === subject)?.uid;
  expect(uid, subject).toBeTruthy();
  await page.goto(`/?uid=${uid}`);
  await expect(page.getByRole("article", { name: "Message" }).getByRole("heading", { name: subject })).toBeVisible();
}

test("cid: inline images are shown from the message's own part", async ({ page }) => {
  await signIn(page);
  await open(page, SUBJECTS.cid);
  const image = page.frameLocator('iframe[title="Message body"]').getByRole("img", { name: "inline logo" });
  await expect(image).toHaveAttribute("src", /^data:image\/png;base64,/);
  await expect.poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBe(1);
  // The inline part is how the mail looks, not an attachment to download.
  await expect(page.getByRole("list", { name: "Attachments" })).toHaveCount(0);
});

test("'always show images from this sender' loads them now and for the next message", async ({ page }) => {
  await signIn(page);
  await open(page, SUBJECTS.news1);
  await page.waitForTimeout(300);
  expect(remote.requests).toEqual([]);
  await page.getByRole("button", { name: `Always show images from news.${RUN}@remote.example` }).click();
  await expect.poll(() => remote.requests.some((url) => url.includes("Newsletter%20one"))).toBe(true);
  await expect(page.getByText(`Images from news.${RUN}@remote.example are always shown.`)).toBeVisible();

  await open(page, SUBJECTS.news2);
  await expect.poll(() => remote.requests.some((url) => url.includes("Newsletter%20two"))).toBe(true);
  await expect(page.getByRole("button", { name: "Show images", exact: true })).toHaveCount(0);
  // And off again: the next open blocks them.
  await page.getByRole("button", { name: "Stop showing images from this sender" }).click();
  await expect(page.getByRole("button", { name: "Show images", exact: true })).toBeVisible();
});

test("view source shows the raw message as text; download as .eml names it after the subject", async ({ page }) => {
  await signIn(page);
  await open(page, SUBJECTS.source);
  await page.getByRole("button", { name: "View source" }).click();
  const source = page.getByRole("region", { name: "Message source" });
  await expect(source).toContainText(`Subject: ${SUBJECTS.source}`);
  await expect(source).toContainText("<script>alert(1)</script>");
  await page.getByRole("button", { name: "Back to the message" }).click();
  await expect(page.locator('iframe[title="Message body"]')).toBeVisible();

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download as .eml" }).click()]);
  expect(download.suggestedFilename()).toBe(`Source _b_check__b_ ${RUN}.eml`);
  const href = (await page.getByRole("link", { name: "Download as .eml" }).getAttribute("href")) ?? "";
  const response = await page.request.get(href);
  expect(response.headers()["content-type"]).toBe("message/rfc822");
  expect(response.headers()["content-disposition"]).toMatch(/^attachment;/);
  expect(await response.text()).toContain(WORD);
});

test("image, PDF and audio attachments preview in the page; print view", async ({ page }) => {
  await signIn(page);
  await open(page, SUBJECTS.files);
  await page.getByRole("button", { name: "Preview scan.png" }).click();
  const image = page.getByRole("region", { name: "Preview of scan.png" }).getByRole("img", { name: "scan.png" });
  await expect.poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBe(1);

  await page.getByRole("button", { name: "Preview scan.pdf" }).click();
  const pdf = page.getByRole("region", { name: "Preview of scan.pdf" }).locator('iframe[title="PDF scan.pdf"]');
  await expect(pdf).toBeVisible();
  const response = await page.request.get((await pdf.getAttribute("src")) ?? "");
  expect(response.headers()["content-type"]).toBe("application/pdf");
  expect(response.headers()["content-disposition"]).toMatch(/^inline;/);
  expect(response.headers()["content-security-policy"]).toMatch(/^sandbox/);

  await page.getByRole("button", { name: "Preview memo.mp3" }).click();
  await expect(page.getByRole("region", { name: "Preview of memo.mp3" }).locator("audio[controls]")).toBeVisible();

  await page.getByRole("button", { name: "Print" }).click();
  const print = page.frameLocator('iframe[title="Print view"]');
  await expect(print.getByRole("heading", { name: SUBJECTS.files })).toBeAttached();
});

test.describe("search", () => {
  test("the search box ('/' focuses it) finds by body words across folders", { tag: "@dovecot" }, async ({ page }) => {
    await signIn(page);
    const box = page.getByRole("searchbox", { name: "Search" });
    // Pressed again until the page has hydrated and listens; a "/" that lands in the box is replaced below.
    await expect(async () => {
      await page.locator("body").press("/");
      await expect(box).toBeFocused({ timeout: 500 });
    }).toPass();
    await box.fill(WORD);
    await box.press("Enter");
    const results = page.getByRole("list", { name: "Search results" });
    await expect(results.getByRole("button", { name: new RegExp(SUBJECTS.files) })).toBeVisible();
    await expect(results.getByRole("button")).toHaveCount(2);
    await results.getByRole("button", { name: new RegExp(SUBJECTS.files) }).click();
    await expect(page.getByRole("article", { name: "Message" }).getByRole("heading", { name: SUBJECTS.files })).toBeVisible();
    await page.getByRole("button", { name: "Close search" }).click();
    await expect(results).toHaveCount(0);
  });

  test("the advanced form: from, has attachment, folder", async ({ page }) => {
    await signIn(page);
    await page.getByRole("button", { name: "Advanced search" }).click();
    const form = page.getByRole("form", { name: "Advanced search" });
    await form.getByLabel("Has the words").fill(WORD);
    await form.getByLabel("Has attachment").check();
    await form.getByLabel("Search in").selectOption("INBOX");
    await form.getByRole("button", { name: "Search" }).click();
    const results = page.getByRole("list", { name: "Search results" });
    await expect(results.getByRole("button", { name: new RegExp(SUBJECTS.files) })).toBeVisible();
    await expect(results.getByRole("button")).toHaveCount(1);

    await page.getByRole("button", { name: "Advanced search" }).click();
    await form.getByLabel("From", { exact: true }).fill(`news.${RUN}@remote.example`);
    await form.getByRole("button", { name: "Search" }).click();
    await expect(results.getByRole("button", { name: new RegExp(SUBJECTS.news1) })).toBeVisible();
    await expect(results.getByRole("button")).toHaveCount(2);
  });

  test("a term with quotes, braces, CR/LF and IMAP syntax finds nothing and breaks nothing", async ({ page }) => {
    await signIn(page);
    for (const q of ['x" OR ALL {5}\r\nA1 LOGOUT', "x\r\nA2 DELETE INBOX\r\n", "{999999999}\r\n", "日本語 é ✓"]) {
      const response = await page.request.get(`/api/mail/search?${new URLSearchParams({ q, folder: "INBOX" })}`);
      expect(response.status(), JSON.stringify(q)).toBe(200);
      expect(((await response.json()) as { total: number }).total, JSON.stringify(q)).toBe(0);
    }
    // A lone quote or backslash is a real search (the corpus has quotes in its headers): it must only work.
    for (const q of ['"', "\\", "a)(b"]) {
      expect((await page.request.get(`/api/mail/search?${new URLSearchParams({ q })}`)).status(), JSON.stringify(q)).toBe(200);
    }
    const after = await page.request.get(`/api/mail/search?${new URLSearchParams({ q: WORD })}`);
    expect(((await after.json()) as { total: number }).total).toBe(2);
    expect((await page.request.get("/api/mail/folders")).status()).toBe(200);
  });
});
