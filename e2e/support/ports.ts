// Uncommon fixed ports, so a developer's `npm start` on the defaults can keep running during the tests.
// Below Linux's ephemeral range (32768–60999): a fixed port inside it can be the source port of any
// outgoing connection at that moment, and the server's listen then fails with "already in use".
// playwright.config.ts starts the servers on these; the tests talk to them directly too.
export const E2E_PORTS = { web: 28000, admin: 28080, smtp: 28025, submission: 28587, imap: 28143, pop3: 28110, remoteSmtp: 28026 } as const;

/** A second domain's MX (e2e/support/remote-domain.ts starts it when a spec needs it); the server under test routes b.test there. */
export const REMOTE_DOMAIN = "b.test";

// playwright.dovecot.config.ts: the webmail alone, pointed at a private Dovecot by IMAP_URL. Nothing listens
// on `admin`: there is no bundled mail server, hence no management API, as in a deployment against Dovecot.
export const DOVECOT_E2E_PORTS = { web: 28001, imap: 28144, admin: 28081 } as const;

/** The IMAP server behind the webmail under test: the bundled one, or Dovecot (set by playwright.dovecot.config.ts). */
export const E2E_TARGET: "bundled" | "dovecot" = process.env.E2E_TARGET === "dovecot" ? "dovecot" : "bundled";

/** Where the tests seed folders and (on Dovecot, which has no MX of its own here) deliver mail. */
export const E2E_IMAP_PORT = E2E_TARGET === "dovecot" ? DOVECOT_E2E_PORTS.imap : E2E_PORTS.imap;
