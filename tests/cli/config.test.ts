// Configuration is validated at start-up (ARCHITECTURE, "The contract"): a bad value stops the
// start with a non-zero exit and one line on stderr that names the variable; it is never
// ignored. The scripts are run as the user runs them; loadConfig and its parsers are also
// tested directly for every default of the architecture's table.
import path from "node:path";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseDuration, parsePort, parseSize } from "@/lib/config";
import { ALL_PORTS_OFF, killAll, occupyPort, removeTempDirs, runScript, stderrLines, tempDir, type RunResult } from "./processes";

let dataDir: string;
let readableKey: string;

beforeAll(() => {
  dataDir = tempDir("config-");
  readableKey = path.join(dataDir, "key.pem");
  writeFileSync(readableKey, "not really a key\n");
});

afterAll(async () => {
  await killAll();
  removeTempDirs();
});

function startServer(env: Record<string, string>, script = "mail-server.ts"): Promise<RunResult> {
  return runScript(script, [], { env: { ...ALL_PORTS_OFF, DATA_DIR: dataDir, ...env }, timeoutMs: 25_000 });
}

/** Exit non-zero, nothing started, exactly one line on stderr naming every one of `names`. */
function expectOneLineNaming(result: RunResult, ...names: string[]) {
  expect(result.timedOut, "the process hung instead of stopping").toBe(false);
  expect(result.code, `exit status; stderr: ${result.stderr}`).not.toBe(0);
  expect(result.code).not.toBeNull();
  const lines = stderrLines(result);
  expect(lines, "stderr must be exactly one line").toHaveLength(1);
  for (const name of names) expect(lines[0]).toContain(name);
  expect(result.stdout).not.toMatch(/ready/);
}

describe("the mail server refuses to start on a bad value, with one line naming it", () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ["SMTP_PORT=99999", { SMTP_PORT: "99999" }, ["SMTP_PORT"]],
    ["SMTP_PORT=abc", { SMTP_PORT: "abc" }, ["SMTP_PORT"]],
    ["TLS_CERT=/nonexistent with TLS_KEY set", { TLS_CERT: "/nonexistent", TLS_KEY: "<key>" }, ["TLS_CERT"]],
    ["TLS_CERT without TLS_KEY", { TLS_CERT: "<key>" }, ["TLS_CERT", "TLS_KEY"]],
    ["DATABASE_URL unreachable", { DATABASE_URL: "postgres://nobody:x@127.0.0.1:1/none" }, ["DATABASE_URL"]],
    ["DATABASE_URL=mysql://x", { DATABASE_URL: "mysql://x" }, ["DATABASE_URL"]],
    ["MAX_MESSAGE_SIZE=lots", { MAX_MESSAGE_SIZE: "lots" }, ["MAX_MESSAGE_SIZE"]],
    ["PLAINTEXT_AUTH=sometimes", { PLAINTEXT_AUTH: "sometimes" }, ["PLAINTEXT_AUTH"]],
    ["QUEUE_LIFETIME=forever", { QUEUE_LIFETIME: "forever" }, ["QUEUE_LIFETIME"]],
    ["POP3_EXPIRE=-1", { POP3_EXPIRE: "-1" }, ["POP3_EXPIRE"]],
    ["MAIL_DOMAINS with an invalid name", { MAIL_DOMAINS: "example.test,not_a..domain" }, ["MAIL_DOMAINS"]],
    ["SIGNUP=maybe", { SIGNUP: "maybe" }, ["SIGNUP"]],
    ["MAIL_HOSTNAME with a space", { MAIL_HOSTNAME: "mail host" }, ["MAIL_HOSTNAME"]],
    ["QUEUE_RETRY_DELAYS with a bad entry", { QUEUE_RETRY_DELAYS: "5m,soon" }, ["QUEUE_RETRY_DELAYS"]],
    ["QUEUE_MAX_PER_DOMAIN=0", { QUEUE_MAX_PER_DOMAIN: "0" }, ["QUEUE_MAX_PER_DOMAIN"]],
    ["RELAY_HOST that is not host:port", { RELAY_HOST: "a:b:c" }, ["RELAY_HOST"]],
    ["OUTBOUND_ROUTES without =", { OUTBOUND_ROUTES: "garbage" }, ["OUTBOUND_ROUTES"]],
    // Not a host address: it fails when listening, and the line must still say which variable is wrong.
    ["BIND_ADDRESS=nonsense", { BIND_ADDRESS: "nonsense", SMTP_PORT: "2525" }, ["BIND_ADDRESS"]],
    ["every listener disabled", { SMTP_PORT: "0", ADMIN_PORT: "0" }, ["SMTP_PORT"]],
  ];
  it.concurrent.each(cases)("%s", async (_label, env, names) => {
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === "<key>" ? readableKey : v]));
    expectOneLineNaming(await startServer(resolved), ...names);
  });

  it.concurrent("a DATA_DIR that cannot be created is named as DATA_DIR (DATABASE_URL is not set, it derives from it)", async () => {
    const notADirectory = path.join(dataDir, "key.pem", "data");
    const result = await startServer({ DATA_DIR: notADirectory });
    expectOneLineNaming(result, "DATA_DIR");
  });

  it.concurrent("an SMTP port already in use: one line naming the port", async () => {
    const busy = await occupyPort();
    try {
      const result = await startServer({ SMTP_PORT: String(busy.port) });
      expectOneLineNaming(result, String(busy.port));
    } finally {
      await busy.close();
    }
  });

  it.concurrent("a management API port already in use: one line naming the port", async () => {
    const busy = await occupyPort();
    try {
      const result = await startServer({ ADMIN_PORT: String(busy.port) });
      expectOneLineNaming(result, String(busy.port));
    } finally {
      await busy.close();
    }
  });

  it.concurrent("npm start (scripts/start.ts) and mailctl stop the same way", async () => {
    const [start, mailctl] = await Promise.all([
      startServer({ SMTP_PORT: "abc" }, "start.ts"),
      runScript("mailctl.ts", ["domain", "list"], { env: { DATA_DIR: dataDir, SIGNUP: "maybe" } }),
    ]);
    expectOneLineNaming(start, "SMTP_PORT");
    expectOneLineNaming(mailctl, "SIGNUP");
  });
});

describe("loadConfig", () => {
  it("has every default of the architecture's table", () => {
    const config = loadConfig({});
    const dataDir = path.resolve("./data");
    expect(config.dataDir).toBe(dataDir);
    expect(config.databaseUrl).toBe(`file:${path.join(dataDir, "mail.db")}`);
    expect(config.databaseProvider).toBe("sqlite");
    expect(config.hostname).toBe("localhost");
    expect(config.domains).toEqual(["localhost"]);
    expect(config.bindAddress).toBe("127.0.0.1");
    expect(config.ports).toEqual({
      web: 3000,
      smtp: 2525,
      submission: 2587,
      submissions: 2465,
      imap: 1143,
      imaps: 1993,
      pop3: 1110,
      pop3s: 1995,
      admin: 2080,
    });
    expect(config.tls).toEqual({ certFile: null, keyFile: null });
    expect(config.relayHost).toBeNull();
    expect(config.outboundRoutes.size).toBe(0);
    expect(config.plaintextAuth).toBe("loopback");
    expect(config.maxMessageSize).toBe(50 * 1024 * 1024);
    const m = 60_000;
    expect(config.queueRetryDelays).toEqual([5 * m, 10 * m, 20 * m, 40 * m, 60 * m, 120 * m, 240 * m]);
    expect(config.queueLifetime).toBe(5 * 24 * 60 * m);
    expect(config.queueDelayNotice).toBe(4 * 60 * m);
    expect(config.queueConcurrency).toEqual({ overall: 50, perDomain: 20 });
    expect(config.dnsServers).toEqual([]); // the system's resolvers
    expect(config.pop3ExpireDays).toBeNull();
    expect(config.signup).toBe("closed");
    expect(config.imapUrl).toBeNull(); // the bundled server
    expect(config.smtpUrl).toBeNull();
    expect(config.adminUrl).toBe("http://127.0.0.1:2080");
  });

  it("treats an empty or blank variable as unset", () => {
    const config = loadConfig({ SMTP_PORT: "", MAIL_DOMAINS: "  ", SIGNUP: "" });
    expect(config.ports.smtp).toBe(2525);
    expect(config.domains).toEqual(["localhost"]);
    expect(config.signup).toBe("closed");
  });

  it("reads the variables it is given", () => {
    const config = loadConfig({
      DATA_DIR: "/srv/mail",
      DATABASE_URL: "postgres://u:p@db.example/mail",
      MAIL_HOSTNAME: "MX.Example.COM",
      MAIL_DOMAINS: "Example.com, example.org",
      SMTP_PORT: "25",
      WEB_PORT: "0",
      RELAY_HOST: "smtp.relay.example:587",
      OUTBOUND_ROUTES: "b.test=127.0.0.1:3525,c.test=[::1]:26",
      PLAINTEXT_AUTH: "NEVER",
      MAX_MESSAGE_SIZE: "10M",
      QUEUE_RETRY_DELAYS: "1s,2s",
      QUEUE_MAX_CONCURRENCY: "100",
      QUEUE_MAX_PER_DOMAIN: "5",
      POP3_EXPIRE: "30",
      SIGNUP: "invite",
      DNS_SERVERS: "127.0.0.1:5353, 10.0.0.1, [::1]:53, 2001:db8::1",
      RELAY_USER: "relay-user",
      RELAY_PASSWORD: "relay secret",
      BIND_ADDRESS: "0.0.0.0",
      ADMIN_PORT: "9000",
    });
    expect(config.dataDir).toBe("/srv/mail");
    expect(config.databaseProvider).toBe("postgresql");
    expect(config.hostname).toBe("mx.example.com");
    expect(config.domains).toEqual(["example.com", "example.org"]);
    expect(config.ports.smtp).toBe(25);
    expect(config.ports.web).toBe(0);
    expect(config.relayHost).toEqual({ host: "smtp.relay.example", port: 587 });
    expect(Object.fromEntries(config.outboundRoutes)).toEqual({ "b.test": { host: "127.0.0.1", port: 3525 }, "c.test": { host: "::1", port: 26 } });
    expect(config.plaintextAuth).toBe("never");
    expect(config.maxMessageSize).toBe(10 * 1024 * 1024);
    expect(config.queueRetryDelays).toEqual([1000, 2000]);
    expect(config.queueConcurrency).toEqual({ overall: 100, perDomain: 5 });
    expect(config.pop3ExpireDays).toBe(30);
    expect(config.signup).toBe("invite");
    expect(config.dnsServers).toEqual(["127.0.0.1:5353", "10.0.0.1", "[::1]:53", "2001:db8::1"]);
    expect(config.relayAuth).toEqual({ user: "relay-user", password: "relay secret" });
    // The management API is reached on loopback when every interface is bound.
    expect(config.adminUrl).toBe("http://127.0.0.1:9000");
  });

  it.each([
    ["SMTP_PORT", "99999"],
    ["SMTP_PORT", "abc"],
    ["SMTP_PORT", "-1"],
    ["WEB_PORT", "80.5"],
    ["DATABASE_URL", "mysql://x"],
    ["MAX_MESSAGE_SIZE", "lots"],
    ["MAX_MESSAGE_SIZE", "0"],
    ["PLAINTEXT_AUTH", "sometimes"],
    ["QUEUE_LIFETIME", "forever"],
    ["QUEUE_DELAY_NOTICE", "4 hours"],
    ["POP3_EXPIRE", "-1"],
    ["POP3_EXPIRE", "3.5"],
    ["MAIL_DOMAINS", "bad_domain"],
    ["MAIL_DOMAINS", "-leading.test"],
    ["SIGNUP", "maybe"],
    ["SMTP_MAX_CONNECTIONS", "0"],
    ["SMTP_IDLE_TIMEOUT", "never"],
    ["RELAY_HOST", "relay.test:0"],
    ["DEFAULT_QUOTA", "huge"],
    ["MAIL_DOMAINS", ","],
    ["QUEUE_LIFETIME", "0"],
    ["QUEUE_MAX_CONCURRENCY", "0"],
    ["QUEUE_MAX_PER_DOMAIN", "many"],
    ["BIND_ADDRESS", "mail.example.test"],
    ["DNS_SERVERS", "dns.example.test"],
    ["DNS_SERVERS", "127.0.0.1:0"],
    ["RELAY_USER", "someone"],
    ["RELAY_PASSWORD", "secret"],
  ])("%s=%s throws a ConfigError naming the variable", (variable, value) => {
    let thrown: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message.startsWith(`${variable}: `)).toBe(true);
    expect((thrown as ConfigError).message).not.toContain("\n");
  });

  it("reads POP3_EXPIRE as NEVER, 0 (RFC 2449: retrieved mail isn't kept) or days", () => {
    expect(loadConfig({}).pop3ExpireDays).toBeNull();
    expect(loadConfig({ POP3_EXPIRE: "never" }).pop3ExpireDays).toBeNull();
    expect(loadConfig({ POP3_EXPIRE: "0" }).pop3ExpireDays).toBe(0);
    expect(loadConfig({ POP3_EXPIRE: "30" }).pop3ExpireDays).toBe(30);
  });

  it("requires TLS_CERT and TLS_KEY together and readable", () => {
    expect(() => loadConfig({ TLS_CERT: readableKey })).toThrow(/TLS_KEY: .*TLS_CERT and TLS_KEY/);
    expect(() => loadConfig({ TLS_KEY: readableKey })).toThrow(/TLS_CERT: /);
    expect(() => loadConfig({ TLS_CERT: "/nonexistent", TLS_KEY: readableKey })).toThrow(/^TLS_CERT: cannot read \/nonexistent/);
    expect(loadConfig({ TLS_CERT: readableKey, TLS_KEY: readableKey }).tls).toEqual({ certFile: readableKey, keyFile: readableKey });
  });
});

describe("parse helpers", () => {
  it("parseSize", () => {
    expect(parseSize("X", "50M")).toBe(50 * 1024 ** 2);
    expect(parseSize("X", "2G")).toBe(2 * 1024 ** 3);
    expect(parseSize("X", "1048576")).toBe(1048576);
    expect(parseSize("X", "512K")).toBe(512 * 1024);
    expect(parseSize("X", "1.5K")).toBe(1536);
    expect(parseSize("X", "10MB")).toBe(10 * 1024 ** 2);
    expect(parseSize("X", "10MiB")).toBe(10 * 1024 ** 2);
    expect(parseSize("X", "5g")).toBe(5 * 1024 ** 3);
    for (const bad of ["lots", "", "-1M", "M", "5X", "0"]) expect(() => parseSize("MAX_MESSAGE_SIZE", bad), bad).toThrow(ConfigError);
    expect(() => parseSize("MAX_MESSAGE_SIZE", "lots")).toThrow(/^MAX_MESSAGE_SIZE: /);
  });

  it("parseDuration", () => {
    expect(parseDuration("X", "5m")).toBe(5 * 60_000);
    expect(parseDuration("X", "4h")).toBe(4 * 3_600_000);
    expect(parseDuration("X", "5d")).toBe(5 * 86_400_000);
    expect(parseDuration("X", "90s")).toBe(90_000);
    expect(parseDuration("X", "250ms")).toBe(250);
    expect(parseDuration("X", "30")).toBe(30_000); // a bare number is seconds
    expect(parseDuration("X", "1.5h")).toBe(5_400_000);
    for (const bad of ["forever", "", "5 minutes", "-5m", "5w", "h"]) expect(() => parseDuration("QUEUE_LIFETIME", bad), bad).toThrow(ConfigError);
    expect(() => parseDuration("QUEUE_LIFETIME", "forever")).toThrow(/^QUEUE_LIFETIME: /);
  });

  it("parsePort", () => {
    expect(parsePort("P", "0")).toBe(0);
    expect(parsePort("P", "25")).toBe(25);
    expect(parsePort("P", "65535")).toBe(65535);
    for (const bad of ["65536", "99999", "abc", "-1", "1e3", "25.0", ""]) expect(() => parsePort("SMTP_PORT", bad), bad).toThrow(/^SMTP_PORT: /);
  });
});
