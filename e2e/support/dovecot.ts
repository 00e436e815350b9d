// playwright.dovecot.config.ts's global setup: a private Dovecot on DOVECOT_E2E_PORTS.imap holding the test
// account (SHA512-CRYPT in a passwd-file) with the special-use folders a stock Dovecot install creates.
// Returns the teardown, which stops it and removes its folder.
import { rmSync } from "node:fs";
import { createConnection } from "node:net";
import { dovecotAvailable, launchDovecot, makeDovecotDir, writeDovecotConfig } from "../../tests/support/dovecot";
import { ADMIN } from "./accounts";
import { DOVECOT_E2E_PORTS } from "./ports";

// As Debian's 15-mailboxes.conf has them, created and subscribed at first login.
const SPECIAL_USE = { Drafts: "\\Drafts", Sent: "\\Sent", Trash: "\\Trash", Junk: "\\Junk", Archive: "\\Archive" };

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port, "127.0.0.1", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export default async function startDovecotForE2e(): Promise<() => Promise<void>> {
  if (!dovecotAvailable()) throw new Error("the e2e run against Dovecot needs dovecot-imapd and root (apt-get install -y dovecot-imapd)");
  const port = DOVECOT_E2E_PORTS.imap;
  if (await portInUse(port)) throw new Error(`port ${port} is taken (a Dovecot left behind by an interrupted run? find it with: ss -ltnp 'sport = :${port}')`);
  const dovecot = makeDovecotDir("webmail-e2e-dovecot-", [{ user: ADMIN.address, password: ADMIN.password, scheme: "SHA512-CRYPT" }]);
  try {
    const config = writeDovecotConfig(dovecot, port, [
      "namespace inbox {",
      "  inbox = yes",
      ...Object.entries(SPECIAL_USE).flatMap(([name, use]) => [`  mailbox ${name} {`, "    auto = subscribe", `    special_use = ${use}`, "  }"]),
      "}",
      // Every test signs in afresh, and the tests' own IMAP clients come from the same address.
      "protocol imap {\n  mail_max_userip_connections = 100\n}",
    ]);
    const running = await launchDovecot(dovecot, config, port);
    return async () => {
      await running.stop();
      rmSync(dovecot.dir, { recursive: true, force: true });
    };
  } catch (error) {
    rmSync(dovecot.dir, { recursive: true, force: true });
    throw error;
  }
}
