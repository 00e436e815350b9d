// `npm run mailctl -- …`: the administration CLI. It opens the same store with the same
// configuration as the server (safe while the server runs), does one thing, and exits 0,
// or non-zero with one line on stderr saying what is wrong.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { loadConfig, parseSize, type Config } from "@/lib/config";
import { humanBytes } from "@/lib/format-bytes";
import { OutboundQueue } from "@/lib/mail-server/queue";
import { MailStore, StoreError } from "@/lib/mail-server/store";
import { importMessages } from "@/lib/mail-server/store/import";
import { collectStatus } from "@/lib/mail-server/admin/routes/status";
import { failAndExit } from "./lib/fail";
import { runInviteCommand } from "./lib/mailctl-invite";

const USAGE = `usage: npm run mailctl -- COMMAND
  domain add DOMAIN              add a local domain and print the DNS records to publish
  domain records DOMAIN          print a domain's DNS records (MX, SPF, DKIM, DMARC) again
  domain list                    list local domains
  domain del DOMAIN              delete a domain that has no accounts left (its aliases go with it)
  user add ADDRESS [--name NAME] [--admin] [--quota SIZE] [--password-stdin]
  user passwd ADDRESS [--password-stdin]
  user del ADDRESS               delete an account and all its mail
  user list                      one account a line: messages, bytes used, quota
  user quota ADDRESS SIZE        set the quota, e.g. 2G or 500M
  user disable|enable ADDRESS    a disabled account keeps its mail but can't sign in or receive
  user admin|unadmin ADDRESS     make or unmake an administrator (the last one always stays)
  alias add ALIAS TARGET         ALIAS may be @domain (catch-all)
  alias list
  alias del ALIAS [TARGET]
  import ADDRESS FILE… [--mailbox NAME]   import .eml files or mbox files
  queue list                     queued messages: each recipient's state, attempts, next try, last answer
  queue retry ID|all             try the waiting recipients now
  queue delete ID                remove a message from the queue; its sender gets a bounce
  status                         configured ports, queue, messages today and per hour, disk and quota use
  invite create [--days N] [--note TEXT]   a sign-up link that works once (default 7 days)
  invite list                    invites: valid until, used by, expired or withdrawn
  invite revoke ID               withdraw an unused invite
Passwords are read from a prompt, or one line of standard input with --password-stdin.`;

class UsageError extends Error {}

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

function queueId(text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new UsageError(`${text} is not a queue id (see npm run mailctl -- queue list)`);
  return Number(text);
}

/** mailctl runs beside the server: it can only say which ports are configured, not which answer. */
function configuredEndpoints(config: Config) {
  return Object.entries(config.ports)
    .filter(([, port]) => port > 0)
    .map(([name, port]) => ({ name, port }));
}

function printStatus(status: Awaited<ReturnType<typeof collectStatus>>) {
  console.log(`hostname\t${status.hostname}`);
  for (const l of status.listeners) console.log(`listener\t${l.name}\t${l.address}:${l.port}`);
  console.log(`queue\tmessages=${status.queue.messages}\twaiting-recipients=${status.queue.waitingRecipients}`);
  console.log(`today\tin=${status.today.in}\tout=${status.today.out}`);
  const disk = status.disk;
  console.log(`disk\t${disk.dataDir}\tused=${disk.usedBytes} (${humanBytes(BigInt(disk.usedBytes))})${disk.freeBytes ? `\tfree=${disk.freeBytes} (${humanBytes(BigInt(disk.freeBytes))})` : ""}`);
  const quota = status.quota;
  console.log(`quota\taccounts=${quota.accounts}\tused=${quota.usedBytes} (${humanBytes(BigInt(quota.usedBytes))})\tquota=${quota.quotaBytes} (${humanBytes(BigInt(quota.quotaBytes))})\tover=${quota.overQuota}`);
  for (const h of status.hours) console.log(`hour\t${h.hour}\tin=${h.in}\tout=${h.out}`);
}

async function run(store: MailStore, config: Config, argv: string[]): Promise<void> {
  // Not started: mailctl only reads and changes the queue; the running server delivers.
  const queue = new OutboundQueue(config, store, { log: (line) => console.error(line) });
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "password-stdin": { type: "boolean", default: false },
      name: { type: "string" },
      admin: { type: "boolean", default: false },
      quota: { type: "string" },
      mailbox: { type: "string" },
      days: { type: "string" },
      note: { type: "string" },
    },
  });
  const [group, action, ...rest] = positionals;
  const need = (count: number) => {
    if (rest.length < count) throw new UsageError(`${group} ${action}: missing argument (see npm run mailctl -- --help)`);
  };
  const key = `${group ?? ""} ${action ?? ""}`.trim();
  switch (key) {
    case "domain add": {
      need(1);
      const { name } = await store.accounts.addDomain(rest[0]);
      console.log(`added domain ${name}; publish these DNS records for it:`);
      for (const record of await store.domainKeys.dnsRecords(name, config.hostname)) console.log(record);
      return;
    }
    case "domain records":
      need(1);
      if (!(await store.accounts.isLocalDomain(rest[0]))) throw new StoreError("not-found", `${rest[0]} is not a local domain`);
      for (const record of await store.domainKeys.dnsRecords(rest[0], config.hostname)) console.log(record);
      return;
    case "queue list": {
      const queued = await queue.store.list();
      if (!queued.length) console.log("the queue is empty");
      for (const { message, recipients } of queued) {
        console.log(`${message.id}	from=<${message.sender}>	size=${message.size}	queued=${message.createdAt.toISOString()}${message.messageId ? `	message-id=${message.messageId}` : ""}`);
        for (const r of recipients) {
          const next = r.state === "queued" ? `	next=${r.nextAttemptAt.toISOString()}` : "";
          console.log(`	<${r.address}>	${r.state}	attempts=${r.attempts}${next}${r.lastResponse ? `	last=${r.remoteHost ? `${r.remoteHost}: ` : ""}${r.lastResponse}` : ""}`);
        }
      }
      return;
    }
    case "queue retry": {
      need(1);
      const count = await queue.store.retryNow(rest[0] === "all" ? null : queueId(rest[0]));
      console.log(`${count} recipient${count === 1 ? "" : "s"} will be tried again now`);
      return;
    }
    case "queue delete":
      need(1);
      if (!(await queue.deleteMessage(queueId(rest[0])))) throw new StoreError("not-found", `no queued message ${rest[0]}`);
      console.log(`deleted ${rest[0]} from the queue; its sender is told`);
      return;
    case "domain del":
      need(1);
      await store.accounts.deleteDomain(rest[0]);
      console.log(`deleted domain ${rest[0]}`);
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
    case "user quota":
      need(2);
      await store.accounts.setQuota(rest[0], parseSize("quota", rest[1]));
      console.log(`quota of ${rest[0]} set to ${humanBytes(BigInt(parseSize("quota", rest[1])))}`);
      return;
    case "user disable":
    case "user enable":
      need(1);
      await store.accounts.setDisabled(rest[0], action === "disable");
      console.log(`${rest[0]} ${action}d${action === "disable" ? "; its open IMAP, POP3 and SMTP sessions end within 30 s" : ""}`);
      return;
    case "user admin":
    case "user unadmin":
      need(1);
      await store.accounts.setAdmin(rest[0], action === "admin");
      console.log(`${rest[0]} is ${action === "admin" ? "now" : "no longer"} an administrator`);
      return;
    case "status":
      printStatus(await collectStatus(store, config, configuredEndpoints(config)));
      return;
    case "user list":
      for (const a of await store.accounts.listAccounts()) {
        const flags = [a.isAdmin ? "admin" : "", a.disabled ? "disabled" : ""].filter(Boolean).join(",");
        console.log(
          `${a.address}\tmessages=${a.messageCount}\tused=${a.usedBytes} (${humanBytes(a.usedBytes)})\tquota=${a.quotaBytes} (${humanBytes(a.quotaBytes)})${flags ? `\t${flags}` : ""}`,
        );
      }
      return;
    case "invite create":
    case "invite list":
    case "invite revoke":
      return runInviteCommand(store, action, rest, values);
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
    await run(store, config, argv);
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
