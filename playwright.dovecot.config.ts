// The core of the e2e suite once more, with the webmail alone pointed at a private Dovecot (IMAP_URL), to
// show that it needs nothing but standard IMAP: the tests tagged @dovecot (sign-in, folders, reading HTML
// and attachments, flags, moves, search, live arrival). No bundled mail server runs: mail reaches Dovecot by
// IMAP APPEND (e2e/support/deliver.ts), and no management API answers (ADMIN_URL names a closed port).
// `npx playwright test -c playwright.dovecot.config.ts`, as root (Dovecot drops privileges itself).
import { defineConfig } from "@playwright/test";
import base, { serverEnv, webServer } from "./playwright.config";
import { DOVECOT_E2E_PORTS } from "./e2e/support/ports";

// Read by e2e/support (ports.ts) in this runner and in its workers, which inherit the environment.
process.env.E2E_TARGET = "dovecot";

const { web: WEB_PORT, imap: IMAP_PORT, admin: ADMIN_PORT } = DOVECOT_E2E_PORTS;

export default defineConfig({
  ...base,
  grep: /@dovecot/,
  // Beside the main run's results rather than in them: each run empties its own output folder first.
  outputDir: "test-results/dovecot",
  use: { ...base.use, baseURL: `http://127.0.0.1:${WEB_PORT}` },
  projects: [{ name: "dovecot" }],
  // Runs after the web server has started (it needs Dovecot only at the first sign-in) and stops before it.
  globalSetup: "./e2e/support/dovecot.ts",
  webServer: [
    webServer(WEB_PORT, {
      ...serverEnv,
      IMAP_URL: `imap://127.0.0.1:${IMAP_PORT}`,
      ADMIN_URL: `http://127.0.0.1:${ADMIN_PORT}`,
    }),
  ],
});
