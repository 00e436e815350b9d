import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig, type PlaywrightTestConfig } from "@playwright/test";
import { E2E_PORTS, REMOTE_DOMAIN } from "./e2e/support/ports";

const { admin: ADMIN_PORT, web: WEB_PORT } = E2E_PORTS;

// Playwright loads this file in the runner and again in each worker. Only the runner creates the data
// folder (workers inherit its path through the environment). It is removed on exit rather than in a
// globalTeardown, because global teardown runs before the web servers are stopped.
if (!process.env.E2E_DATA_DIR) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "webmail-e2e-"));
  process.env.E2E_DATA_DIR = dataDir;
  process.on("exit", () => rmSync(dataDir, { recursive: true, force: true }));
}

const inherited = Object.fromEntries(
  Object.entries(process.env).filter(
    // A developer's own server choices must not leak in: the test owns a fresh server and database.
    (entry): entry is [string, string] => entry[1] !== undefined && !/^(DATABASE_URL|ADMIN_URL|IMAP_URL|SMTP_URL|TLS_CERT|TLS_KEY)$/.test(entry[0]),
  ),
);

/** What every server an e2e run starts gets (playwright.dovecot.config.ts too): the test's own data folder, loopback. */
export const serverEnv = {
  ...inherited,
  NEXT_TELEMETRY_DISABLED: "1",
  DATA_DIR: process.env.E2E_DATA_DIR,
  BIND_ADDRESS: "127.0.0.1",
};

/** `npm run web` (which builds first when the build is stale) on `port`, for Playwright to start and stop. */
export function webServer(port: number, env: Record<string, string | undefined>): Exclude<NonNullable<PlaywrightTestConfig["webServer"]>, unknown[]> {
  return {
    name: "web",
    command: "npm run web",
    // The first run includes `next build`.
    url: `http://127.0.0.1:${port}/favicon.svg`,
    env: { ...env, WEB_PORT: String(port) },
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
  };
}

const env = {
  ...serverEnv,
  MAIL_HOSTNAME: "mail.example.test",
  ADMIN_PORT: String(ADMIN_PORT),
  WEB_PORT: String(WEB_PORT),
  // Port 0 turns a listener off: the tests need SMTP in, submission and IMAP for the webmail, POP3, and the admin API.
  SMTP_PORT: String(E2E_PORTS.smtp),
  SUBMISSION_PORT: String(E2E_PORTS.submission),
  SUBMISSIONS_PORT: "0",
  IMAP_PORT: String(E2E_PORTS.imap),
  IMAPS_PORT: "0",
  // POP3 for the "other accounts" spec: a second account on this server plays the external mailbox.
  POP3_PORT: String(E2E_PORTS.pop3),
  POP3S_PORT: "0",
  // Fetching only when the spec presses "check now".
  POP3_FETCH_INTERVAL: "1h",
  // Open sign-up (e2e/signup.spec.ts); invite links work in this mode too.
  SIGNUP: "open",
  // Messages leave at once unless a spec chooses an undo window in Settings (e2e/settings.spec.ts).
  UNDO_SEND_DEFAULT: "0",
  // Mail for the second domain goes to its own server, which a spec starts when it needs one (delivery status).
  OUTBOUND_ROUTES: `${REMOTE_DOMAIN}=127.0.0.1:${E2E_PORTS.remoteSmtp}`,
};

export default defineConfig({
  testDir: "e2e",
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI ? "line" : "list",
  use: {
    baseURL: `http://127.0.0.1:${WEB_PORT}`,
    browserName: "chromium",
    // Debian's Chromium: `npx playwright install` cannot download browsers here.
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
    trace: "retain-on-failure",
  },
  projects: [
    // Creates the first account (admin@example.test) through the set-up page; the webmail tests sign in as it.
    { name: "first-run", testMatch: /first-run\.spec\.ts$/ },
    { name: "webmail", testIgnore: /first-run\.spec\.ts$/, dependencies: ["first-run"] },
  ],
  webServer: [
    {
      name: "mail-server",
      command: "npm run mail-server",
      url: `http://127.0.0.1:${ADMIN_PORT}/api/v1/setup`,
      wait: { stdout: /mail server ready/ },
      env,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
    webServer(WEB_PORT, env),
  ],
});
