// Uncommon fixed ports, so a developer's `npm start` on the defaults can keep running during the tests.
// playwright.config.ts starts the servers on these; the tests talk to them directly too.
export const E2E_PORTS = { web: 38000, admin: 38080, smtp: 38025, imap: 38143 } as const;
