// `npm run mailctl -- …`: the administration CLI. It opens the same store with the same
// configuration as the server (safe while the server runs), does one thing, and exits 0,
// or non-zero with one line on stderr saying what is wrong.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { loadConfig, parseSize } from "@/lib/config";
import { MailStore, StoreError } from "@/lib/mail-server/store";
import { importMessages } from "@/lib/mail-server/store/import";
import { failAndExit } from "./lib/fail";

const USAGE = `usage: npm run mailctl -- COMMAND
  domain add DOMAIN              add a local domain
  domain list                    list local domains
  user add ADDRESS [--name NAME] [--admin] [--quota SIZE] [--password-stdin]
  user passwd ADDRESS [--password-stdin]
  user del ADDRESS               delete an account and all its mail
  user list                      one account a line: messages, bytes used, quota
  alias add ALIAS TARGET         ALIAS may be @domain (catch-all)
  alias list
  alias del ALIAS [TARGET]
  import ADDRESS FILE… [--mailbox NAME]   import .eml files or mbox files
Passwords are read from a prompt, or one line of standard input with --password-stdin.`;

class UsageError extends Error {}

function humanBytes(bytes: bigint): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** One line, without waiting for the end of input (a person typing keeps stdin open). */
async function readPasswordFromStdin(): Promise<string> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const line = await new Promise<string | null>((resolve) => {
    rl.once("line", (text) => resolve(text));
    rl.once("close", () => resolve(null));
  });
  rl.close();
  process.stdin.destroy();
  if (!line) throw new UsageError("no password on standard input");
  return line.replace(/\r$/, "");
}

/** Asks twice on the terminal without echoing. */
async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError("no terminal to ask for the password on: use --password-stdin");
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      muted = false;
      process.stderr.write(question);
      muted = true;
      rl.question("", (answer) => {
        process.stderr.write("\n");
        resolve(answer);
      });
    });
  try {
    const first = await ask("Password: ");
    const second = await ask("Repeat password: ");
    if (first !== second) throw new UsageError("the passwords do not match");
    return first;
  } finally {
    rl.close();
  }
}

async function password(fromStdin: boolean): Promise<string> {
  return fromStdin ? readPasswordFromStdin() : promptPassword();
}

async function run(store: MailStore, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "password-stdin": { type: "boolean", default: false },
      name: { type: "string" },
      admin: { type: "boolean", default: false },
      quota: { type: "string" },
      mailbox: { type: "string" },
    },
  });
  const [group, action, ...rest] = positionals;
  const need = (count: number) => {
    if (rest.length < count) throw new UsageError(`${group} ${action}: missing argument (see npm run mailctl -- --help)`);
  };
  const key = `${group ?? ""} ${action ?? ""}`.trim();
  switch (key) {
    case "domain add":
      need(1);
      console.log(`added domain ${(await store.accounts.addDomain(rest[0])).name}`);
      return;
    case "domain list":
      for (const domain of await store.accounts.listDomains()) console.log(`${domain.name}\taccounts=${domain._count.accounts}`);
      return;
    case "user add": {
      need(1);
      const quotaBytes = values.quota ? parseSize("--quota", values.quota) : undefined;
      const account = await store.accounts.addAccount({
        address: rest[0],
        password: await password(values["password-stdin"]!),
        displayName: values.name,
        isAdmin: values.admin,
        quotaBytes,
      });
      console.log(`added ${account.address}${account.isAdmin ? " (administrator)" : ""}`);
      return;
    }
    case "user passwd":
      need(1);
      await store.accounts.setPassword(rest[0], await password(values["password-stdin"]!));
      console.log(`password of ${rest[0]} changed`);
      return;
    case "user del":
      need(1);
      await store.accounts.deleteAccount(rest[0]);
      console.log(`deleted ${rest[0]}`);
      return;
    case "user list":
      for (const a of await store.accounts.listAccounts()) {
        const flags = [a.isAdmin ? "admin" : "", a.disabled ? "disabled" : ""].filter(Boolean).join(",");
        console.log(
          `${a.address}\tmessages=${a.messageCount}\tused=${a.usedBytes} (${humanBytes(a.usedBytes)})\tquota=${a.quotaBytes} (${humanBytes(a.quotaBytes)})${flags ? `\t${flags}` : ""}`,
        );
      }
      return;
    case "alias add":
      need(2);
      await store.accounts.addAlias(rest[0], rest[1]);
      console.log(`added alias ${rest[0]} → ${rest[1]}`);
      return;
    case "alias list":
      for (const alias of await store.accounts.listAliases()) console.log(`${alias.addressKey}\t${alias.destination}`);
      return;
    case "alias del":
      need(1);
      await store.accounts.deleteAlias(rest[0], rest[1]);
      console.log(`deleted alias ${rest.join(" → ")}`);
      return;
    default:
      if (group === "import") {
        if (!action || !rest.length) throw new UsageError("import: give an address and at least one file (see npm run mailctl -- --help)");
        const files = rest.map((file) => ({ file, bytes: readFileSync(file) }));
        const count = await importMessages(store, action, files, values.mailbox ?? "INBOX");
        console.log(`imported ${count} message${count === 1 ? "" : "s"} into ${action} ${values.mailbox ?? "INBOX"}`);
        return;
      }
      if (group === "queue") throw new StoreError("not-found", "there is no outbound queue yet: this server delivers only to local mailboxes");
      throw new UsageError(`unknown command: ${key || "(none)"} (see npm run mailctl -- --help)`);
  }
}

async function main() {
  const argv = process.argv.slice(2);
  if (!argv.length || argv[0] === "--help" || argv[0] === "help") {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  const store = await MailStore.open(config);
  try {
    await run(store, argv);
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error instanceof Error && "code" in error && (error as NodeJS.ErrnoException).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION")) {
    console.error(`mailctl: ${error.message}`);
    process.exit(2);
  }
  failAndExit(error, "mailctl");
});
