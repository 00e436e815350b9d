import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { ImapFlow } from "imapflow";
import { E2E_PORTS, REMOTE_DOMAIN } from "./support/ports";
import { startRemoteDomain, type RemoteDomain } from "./support/remote-domain";
import { signIn } from "./support/session";

// Delivery status: alice sends one message, with delivery reports asked for, to bob on her own server
// and to an address at a second domain whose server (our mail server again, for b.test) refuses it
// with 550. The reports come back to her INBOX; on her sent message she sees bob's as delivered and
// the other as failed with that server's answer, and the bounce itself reads as a report.
const RUN = Date.now().toString(36);
const PASSWORD = "correct horse battery staple";
const alice = { address: `alice.dsn.${RUN}@example.test`, password: PASSWORD };
const bob = { address: `bob.dsn.${RUN}@example.test`, password: PASSWORD };
const nobody = `nobody.${RUN}@${REMOTE_DOMAIN}`;
const SUBJECT = `Did it arrive ${RUN}`;

let remote: RemoteDomain;

test.beforeAll(async () => {
  for (const account of [alice, bob]) {
    execFileSync("npx", ["tsx", "scripts/mailctl.ts", "user", "add", account.address, "--password-stdin"], {
      input: `${account.password}\n`,
      env: { ...process.env, DATA_DIR: process.env.E2E_DATA_DIR },
      stdio: ["pipe", "ignore", "inherit"],
    });
  }
  remote = await startRemoteDomain();
});

test.afterAll(async () => {
  await remote?.stop();
});

/** How many delivery reports are in alice's INBOX. */
async function reportsInInbox(): Promise<number> {
  const client = new ImapFlow({ host: "127.0.0.1", port: E2E_PORTS.imap, secure: false, doSTARTTLS: false, auth: { user: alice.address, pass: alice.password }, logger: false });
  await client.connect();
  try {
    await client.mailboxOpen("INBOX");
    const found = await client.search({ header: { "content-type": "delivery-status" } }, { uid: true });
    return Array.isArray(found) ? found.length : 0;
  } finally {
    await client.logout();
  }
}

test("a refused recipient shows as failed with the server's answer, a local one as delivered; the bounce reads as a report", async ({ page }) => {
  test.setTimeout(60_000);
  await signIn(page, alice);
  await page.getByRole("button", { name: "Compose" }).click();
  const composer = page.getByRole("region", { name: "New message" });
  const to = composer.getByLabel("To", { exact: true });
  for (const address of [bob.address, nobody]) {
    await to.fill(address);
    await to.press("Enter");
  }
  await composer.getByLabel("Subject").fill(SUBJECT);
  await composer.getByRole("textbox", { name: "Message text" }).fill("Tell me when it gets there.");
  await composer.getByLabel("Request delivery reports").check();
  await composer.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Message sent." })).toBeVisible({ timeout: 20_000 });

  // bob's "delivered" comes at once; the bounce once a.test's queue has heard b.test's 550.
  await expect.poll(reportsInInbox, { timeout: 15_000 }).toBe(2);

  await page.getByRole("navigation", { name: "Folders" }).getByRole("button", { name: /^Sent/ }).click();
  await page.getByRole("list", { name: "Messages" }).getByRole("button", { name: new RegExp(SUBJECT) }).click();
  const status = page.getByRole("article", { name: "Message" }).getByRole("region", { name: "Delivery status" });
  const bobLine = status.getByRole("listitem").filter({ hasText: bob.address });
  const nobodyLine = status.getByRole("listitem").filter({ hasText: nobody });
  await expect(bobLine).toContainText("Delivered");
  await expect(nobodyLine).toContainText("Failed");
  await expect(nobodyLine).toContainText("The address does not exist.");
  await expect(nobodyLine).toContainText(`550 5.1.1 <${nobody}>: Recipient address rejected: no such user here`);
  await expect(nobodyLine).toContainText(`127.0.0.1:${E2E_PORTS.remoteSmtp} answered:`);

  // The bounce in the INBOX: who, what happened, the server's words, the original's subject.
  await page.getByRole("navigation", { name: "Folders" }).getByRole("button", { name: /^Inbox/ }).click();
  await page.getByRole("list", { name: "Messages" }).getByRole("button", { name: /Undelivered Mail Returned to Sender/ }).click();
  const report = page.getByRole("article", { name: "Message" }).getByRole("region", { name: "Delivery report" });
  await expect(report.getByRole("heading")).toHaveText("Your message could not be delivered");
  await expect(report).toContainText(`Your message: “${SUBJECT}”`);
  await expect(report).toContainText(nobody);
  await expect(report).toContainText("550 5.1.1");
  await expect(report).not.toContainText(bob.address);
});
