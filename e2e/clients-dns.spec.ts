import { expect, test } from "@playwright/test";
import { E2E_PORTS } from "./support/ports";
import { signIn } from "./support/session";

// Client auto-configuration and DNS health through the real web server: the Settings section names the
// configured ports (this run turns the implicit-TLS listeners off, so STARTTLS ones), the autoconfig and
// Autodiscover URLs answer XML with the same ports, and the DNS health page marks every record.
const HOST = "mail.example.test";

test("Settings → Mail apps shows the configured servers and the autoconfig URLs answer XML", async ({ page }) => {
  await signIn(page);
  await page.goto("/settings#clients");
  const section = page.locator("section#clients");
  await expect(section.getByRole("heading", { name: "Mail apps" })).toBeVisible();
  const imap = section.locator("[data-protocol=imap] tbody tr");
  await expect(imap).toHaveCount(1);
  await expect(imap.locator("td")).toHaveText([HOST, String(E2E_PORTS.imap), "STARTTLS", "admin@example.test"]);
  await expect(section.locator("[data-protocol=pop3] tbody td")).toHaveText([HOST, String(E2E_PORTS.pop3), "STARTTLS", "admin@example.test"]);
  await expect(section.locator("[data-protocol=smtp] tbody td")).toHaveText([HOST, String(E2E_PORTS.submission), "STARTTLS", "admin@example.test"]);

  const profile = await page.request.get(await section.getByRole("link", { name: /Apple profile/ }).getAttribute("href") ?? "");
  expect(profile.headers()["content-type"]).toBe("application/x-apple-aspen-config");
  expect(await profile.text()).toContain("<string>com.apple.mail.managed</string>");

  const autoconfig = await page.request.get("/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=admin%40example.test");
  expect(autoconfig.status()).toBe(200);
  expect(autoconfig.headers()["content-type"]).toMatch(/^application\/xml/);
  const xml = await autoconfig.text();
  expect(xml).toContain('<clientConfig version="1.1">');
  expect(xml).toContain(`<port>${E2E_PORTS.imap}</port>`);
  expect(xml).toContain(`<port>${E2E_PORTS.submission}</port>`);
  expect(await (await page.request.get("/mail/config-v1.1.xml")).text()).toContain("<username>%EMAILADDRESS%</username>");

  const autodiscover = await page.request.post("/Autodiscover/Autodiscover.xml", {
    headers: { "content-type": "text/xml" },
    data: `<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>admin@example.test</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`,
  });
  expect(autodiscover.status()).toBe(200);
  expect(await autodiscover.text()).toContain(`<Port>${E2E_PORTS.imap}</Port>`);
  expect(await (await page.request.get("/.well-known/mta-sts.txt")).text()).toContain(`mx: ${HOST}`);
});

test("the DNS health page marks each record of each domain and gives the record to publish", async ({ page }) => {
  await signIn(page);
  await page.goto("/admin/dns");
  await expect(page.getByRole("heading", { name: "DNS health", level: 1 })).toBeVisible();
  const domain = page.getByRole("region", { name: /^example\.test/ });
  // No DNS here knows example.test: every mark is red, each with the zone line that would fix it.
  const records = domain.locator("li[data-status]");
  await expect(records).toHaveCount(11);
  await expect(domain.locator("li[data-status=ok]")).toHaveCount(0);
  const mx = records.filter({ hasText: "Mail exchanger (MX)" });
  await expect(mx.locator("code")).toHaveText(`example.test.\tIN\tMX\t10 ${HOST}.`);
  await expect(domain.locator("code", { hasText: `_submission._tcp.example.test.\tIN\tSRV\t0 1 ${E2E_PORTS.submission} ${HOST}.` })).toHaveCount(1);
});
