// `npm run mail-server`: the bundled mail server alone. Migrates the database, starts every
// enabled listener, prints where they listen, and stops cleanly on SIGINT/SIGTERM: sessions
// finish the command in flight (a message being stored is stored and answered), idle
// ones are told 421, then the store closes.
import { loadConfig } from "@/lib/config";
import { startMailServer } from "@/lib/mail-server";
import { failAndExit } from "./lib/fail";

const LABELS: Record<string, string> = {
  smtp: "SMTP (MX, inbound)",
  submission: "submission (STARTTLS)",
  submissions: "submissions (TLS)",
  imap: "IMAP (STARTTLS)",
  imaps: "IMAPS (TLS)",
  pop3: "POP3 (STLS)",
  pop3s: "POP3S (TLS)",
  admin: "management API",
};

async function main() {
  const config = loadConfig();
  const server = await startMailServer(config);
  for (const { name, port } of server.endpoints) {
    console.log(`  ${(LABELS[name] ?? name).padEnd(24)} ${config.bindAddress}:${port}`);
  }
  console.log(`mail server ready (${config.hostname}, data in ${config.dataDir}, ${config.databaseProvider})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`mail server stopping (${signal})`);
    server
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => failAndExit(error));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => failAndExit(error, "mail server"));
