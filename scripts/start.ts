// `npm start`: everything a new user needs in one command. Applies pending migrations,
// builds the web app when needed and the mail server's bundle (scripts/build-mail-server.mjs),
// starts the mail server and the webmail as two processes,
// prints every URL and port, and on Ctrl-C (SIGINT) or SIGTERM stops both cleanly. If
// either process dies, the other is stopped too: a half-running mail service helps no one.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { loadConfig } from "@/lib/config";
import { applyMigrations } from "@/lib/migrate";
import { ensureWebBuild, ROOT } from "./lib/web-build";
import { failAndExit } from "./lib/fail";
import { buildMailServer, MAIL_SERVER_NODE_FLAGS } from "./build-mail-server.mjs";

const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

/** A child process: the mail server's bundle under plain Node, or a script through tsx. */
function startChild(name: string, command: string[], onLine: (line: string) => void): ChildProcess {
  const [program, ...args] = command;
  const child = spawn(program, args, {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on("line", (line) => {
      console.log(`[${name}] ${line}`);
      onLine(line);
    });
  }
  return child;
}

const children = new Map<string, ChildProcess>();
let stopping = false;

function stopAll(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) if (child.exitCode === null) child.kill(signal);
}

async function main() {
  const config = loadConfig();
  const applied = await applyMigrations(config);
  if (applied.length) console.log(`Database migrated: ${applied.join(", ")}`);
  if (config.ports.web) await ensureWebBuild();
  const mailServer = await buildMailServer();

  let mailReady = false;
  let webReady = config.ports.web === 0;
  const host = config.bindAddress.includes(":") ? `[${config.bindAddress}]` : config.bindAddress;
  const mailLines: string[] = [];
  const banner = () => {
    if (!mailReady || !webReady) return;
    console.log("");
    if (config.ports.web) console.log(`  Webmail                  http://${host}:${config.ports.web}`);
    for (const line of mailLines) console.log(line);
    console.log(`\nMail service running for ${config.domains.join(", ")} (data in ${config.dataDir}). Press Ctrl-C to stop.`);
  };

  children.set(
    "mail",
    startChild("mail", [process.execPath, ...MAIL_SERVER_NODE_FLAGS, mailServer], (line) => {
      if (/^\s{2}\S.*\d+$/.test(line)) mailLines.push(line);
      if (line.startsWith("mail server ready")) {
        mailReady = true;
        banner();
      }
    }),
  );
  if (config.ports.web) {
    children.set(
      "web",
      startChild("web", [TSX, path.join(ROOT, "scripts", "web.ts")], (line) => {
        if (/Ready in/.test(line)) {
          webReady = true;
          banner();
        }
      }),
    );
  }

  let exitCode = 0;
  await Promise.all(
    [...children.entries()].map(
      ([name, child]) =>
        new Promise<void>((resolve) => {
          child.on("exit", (code, signal) => {
            if (!stopping) {
              console.error(`${name === "mail" ? "mail server" : "webmail"} stopped unexpectedly (${signal ?? `exit ${code}`}); stopping everything`);
              exitCode = 1;
              stopAll("SIGTERM");
            }
            resolve();
          });
        }),
    ),
  );
  process.exit(exitCode);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // Before the children exist (migrating, building) there is nothing to wait for.
    if (!children.size) process.exit(signal === "SIGINT" ? 130 : 143);
    console.log(`\nStopping (${signal})…`);
    stopAll(signal);
  });
}

main().catch((error: unknown) => failAndExit(error));
