// The UI in English and Simplified Chinese: chosen from the browser's Accept-Language (zh, zh-CN,
// zh-Hans → Chinese; anything else English), changed in Settings (a cookie), dates in the UI's language.
import { devices, expect, test, type Page } from "@playwright/test";
import en from "../messages/en.json";
import zh from "../messages/zh-CN.json";
import { ADMIN } from "./support/accounts";
import { deliver } from "./support/deliver";
import { seed } from "./support/imap";
import { signIn } from "./support/session";
import { closeSettings, openSettings, screenshot, settingsPage } from "./support/settings";

const RUN = Date.now().toString(36);
const FOLDER = `I18n ${RUN}`;
const OLD = `Old letter ${RUN}`;

test.beforeAll(async () => {
  await seed(FOLDER, [{ subject: OLD, date: "Wed, 05 Mar 2025 10:00:00 +0000" }]);
});

function keys(messages: object, prefix = ""): string[] {
  return Object.entries(messages).flatMap(([key, value]) => (typeof value === "object" && value !== null ? keys(value as object, `${prefix}${key}.`) : [`${prefix}${key}`]));
}

test("both languages have the same messages", () => {
  expect(keys(zh).sort()).toEqual(keys(en).sort());
});

test("Accept-Language picks the language: zh, zh-CN and zh-Hans are Chinese, the rest English", async ({ request }) => {
  const cases: [string, string][] = [
    ["zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"],
    ["zh", "zh-CN"],
    ["fr;q=1, zh-Hans-CN;q=0.5", "zh-CN"],
    ["en-GB,zh;q=0.5", "en"],
    ["zh-TW", "en"],
    ["de, *;q=0.1", "en"],
    ["", "en"],
  ];
  for (const [header, lang] of cases) {
    const html = await (await request.get("/login", { headers: { "accept-language": header } })).text();
    expect(html, header).toContain(`<html lang="${lang}"`);
    expect(html, header).toContain(lang === "en" ? "Use your full e-mail address" : "请使用完整的电子邮件地址");
  }
});

/** Signs in through the Chinese sign-in page. */
async function signInChinese(page: Page) {
  await page.goto("/login");
  await expect(page.getByRole("heading", { level: 1, name: "登录" })).toBeVisible();
  await page.getByLabel("电子邮件地址").fill(ADMIN.address);
  await page.getByLabel("密码").fill(ADMIN.password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/(\?.*)?$/);
}

test.describe("a browser set to Chinese", () => {
  test.use({ locale: "zh-CN", viewport: { width: 1280, height: 800 } });

  test("sign-in, folders, list, dates, the message and the toasts are in Chinese", async ({ page }, testInfo) => {
    await page.goto("/login");
    await page.getByLabel("电子邮件地址").fill(ADMIN.address);
    await page.getByLabel("密码").fill("not the password");
    await page.getByRole("button", { name: "登录" }).click();
    // The server's own words, translated where next-auth checks the password.
    await expect(page.locator("form").getByRole("alert")).toHaveText("电子邮件地址或密码错误。");

    await signInChinese(page);
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    const folders = page.getByRole("navigation", { name: "文件夹" });
    await expect(folders.getByRole("button", { name: /^收件箱/ })).toBeVisible();
    await expect(folders.getByRole("button", { name: /^已删除邮件/ })).toBeVisible();
    await expect(page.getByRole("link", { name: "设置" })).toBeVisible();
    await expect(page.getByRole("searchbox", { name: "搜索" })).toBeVisible();

    await page.goto(`/?${new URLSearchParams({ folder: FOLDER })}`);
    await expect(page.getByRole("toolbar", { name: "列表操作" })).toBeVisible();
    await expect(page.getByText("选择一封邮件进行阅读。")).toBeVisible();
    const row = page.getByRole("list", { name: "邮件" }).getByRole("button", { name: new RegExp(OLD) });
    await expect(row).toHaveAccessibleName(new RegExp(`^未读，Sender，${OLD}`));
    await expect(row.locator("time")).toHaveText("2025年3月5日");

    await row.click();
    const message = page.getByRole("article", { name: "邮件" });
    await expect(message.getByText("发件人", { exact: true })).toBeVisible();
    await expect(message.locator("time")).toContainText("2025年3月5日星期三");
    await screenshot(page, testInfo, "message-zh-desktop");

    await expect(async () => {
      await page.keyboard.press("s");
      await expect(page.getByRole("status")).toContainText("已为1 封邮件加星标。", { timeout: 1000 });
    }).toPass();
    await page.keyboard.press("?");
    await expect(page.getByRole("dialog", { name: "键盘快捷键" }).getByText("下一封邮件或下一个会话")).toBeVisible();
  });

  test("the phone layout too", async ({ browser }, testInfo) => {
    const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = devices["Pixel 5"];
    const context = await browser.newContext({ locale: "zh-CN", viewport, userAgent, deviceScaleFactor, isMobile, hasTouch });
    const page = await context.newPage();
    await signInChinese(page);
    await page.goto(`/?${new URLSearchParams({ folder: FOLDER })}`);
    await page.getByRole("list", { name: "邮件" }).getByRole("button", { name: new RegExp(OLD) }).tap();
    await page.getByRole("button", { name: "返回列表" }).tap();
    await page.getByRole("button", { name: "文件夹" }).tap();
    await expect(page.getByRole("navigation", { name: "文件夹" }).getByRole("button", { name: "新建文件夹" })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, "horizontal scroll").toBeLessThanOrEqual(0);
    await screenshot(page, testInfo, "folders-zh-phone");
    await context.close();
  });
});

test("switching the language in Settings changes the whole UI at once and is kept", async ({ page }) => {
  await deliver({ to: ADMIN.address, subject: `Language switch ${RUN}`, text: "Hello." });
  await signIn(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  const settings = await openSettings(page);
  await settings.getByRole("radio", { name: "简体中文" }).check();
  await expect(settingsPage(page, "设置").getByRole("radio", { name: "深色" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await closeSettings(page, "完成");
  await expect(page.getByRole("navigation", { name: "文件夹" })).toBeVisible();

  await page.reload();
  await expect(page.getByRole("link", { name: "设置" })).toBeVisible();
  const back = await openSettings(page, "设置");
  await back.getByRole("radio", { name: "English" }).check();
  await expect(settingsPage(page)).toBeVisible();
  await closeSettings(page);
  await expect(page.getByRole("navigation", { name: "Folders" })).toBeVisible();
});
