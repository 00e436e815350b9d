// Another domain's mail server for the specs that send outside the server under test: our own mail
// server again (the build `npm run mail-server` made), alone in a data folder of its own, serving
// REMOTE_DOMAIN on E2E_PORTS.remoteSmtp with no accounts, so it refuses every recipient with 550.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { E2E_PORTS, REMOTE_DOMAIN } from "./ports";

export interface RemoteDomain {
  stop(): Promise<void>;
}

export async function startRemoteDomain(): Promise<RemoteDomain> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "webmail-e2e-remote-"));
  const off = Object.fromEntries(["SUBMISSION_PORT", "SUBMISSIONS_PORT", "IMAP_PORT", "IMAPS_PORT", "POP3_PORT", "POP3S_PORT", "ADMIN_PORT"].map((name) => [name, "0"]));
  // The e2e server's own choices (its database, routes and certificate) are not this server's.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["DATABASE_URL", "OUTBOUND_ROUTES", "RELAY_HOST", "TLS_CERT", "TLS_KEY"]) delete env[name];
  const child: ChildProcess = spawn(process.execPath, [".build/mail-server.cjs"], {
    env: { ...env, ...off, DATA_DIR: dataDir, MAIL_DOMAINS: REMOTE_DOMAIN, MAIL_HOSTNAME: `mx.${REMOTE_DOMAIN}`, BIND_ADDRESS: "127.0.0.1", SMTP_PORT: String(E2E_PORTS.remoteSmtp) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${REMOTE_DOMAIN} server did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("mail server ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${REMOTE_DOMAIN} server exited (${code}):\n${output}`));
    });
  });
  return {
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
