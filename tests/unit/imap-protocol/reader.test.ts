// readCommand (lib/mail-server/imap/protocol/reader.ts) over a scripted client: continuation
// requests for synchronising literals only (RFC 3501 §7.5, RFC 7888), every limit refusing
// with the connection still usable or with an explicit close, several literals in one command,
// and one run over a real socket through lib/mail-server/net/connection.ts.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Connection } from "@/lib/mail-server/net/connection";
import {
  CONTINUATION_READY,
  DEFAULT_READ_LIMITS,
  isReadError,
  literalMarker,
  readCommand,
  readErrorResponse,
  type CommandIO,
  type ReadError,
  type ReadLimits,
  type ReadResult,
} from "@/lib/mail-server/imap/protocol/reader";
import type { ImapCommand } from "@/lib/mail-server/imap/protocol/tokens";
import { plain, ScriptedClient } from "./helpers";

// Connection must fit the reader's interface as it is (checked by tsc).
const connectionFits: (connection: Connection) => CommandIO = (connection) => connection;
void connectionFits;

const limits = (overrides: Partial<ReadLimits> = {}): ReadLimits => ({ ...DEFAULT_READ_LIMITS, ...overrides });

function command(result: ReadResult) {
  expect(result).not.toBeNull();
  if (result === null || isReadError(result)) throw new Error(`expected a command, got ${result ? result.error.message : "null"}`);
  return { tag: result.tag, command: result.command, args: result.args.map(plain) };
}

function refusal(result: ReadResult): ReadError {
  if (result === null || !isReadError(result)) throw new Error("expected a ReadError");
  return result;
}

describe("lines and literals", () => {
  it("reads a command without literals, without writing anything", async () => {
    const client = new ScriptedClient(["A1 NOOP\r\nA2 LOGOUT\r\n"]);
    expect(command(await readCommand(client))).toEqual({ tag: "A1", command: "NOOP", args: [] });
    expect(command(await readCommand(client))).toEqual({ tag: "A2", command: "LOGOUT", args: [] });
    expect(client.written).toEqual([]);
    expect(await readCommand(client)).toBeNull();
  });

  it("accepts bare LF line endings and skips blank lines between commands", async () => {
    const client = new ScriptedClient(["\r\n\nA1 NOOP\n"]);
    expect(command(await readCommand(client)).command).toBe("NOOP");
  });

  it("sends a continuation before a synchronising literal and waits for it", async () => {
    const client = new ScriptedClient(["A1 LOGIN {3}\r\n", "bob {6}\r\n", "secret\r\n"]);
    expect(command(await readCommand(client))).toEqual({ tag: "A1", command: "LOGIN", args: [{ lit: "bob" }, { lit: "secret" }] });
    expect(client.written).toEqual([CONTINUATION_READY, CONTINUATION_READY]);
  });

  it("reads LITERAL+ and literal8 without a continuation", async () => {
    const client = new ScriptedClient(["A1 LOGIN {3+}\r\nbob {6+}\r\nsecret\r\nA2 APPEND INBOX ~{3+}\r\na\0b\r\n"]);
    expect(command(await readCommand(client)).args).toEqual([{ lit: "bob" }, { lit: "secret" }]);
    expect(command(await readCommand(client)).args).toEqual(["INBOX", { lit: "a\0b", binary: true }]);
    expect(client.written).toEqual([]);
  });

  it("reads APPEND with flags, a date and a message literal holding CRLFs and 8-bit bytes", async () => {
    const message = Buffer.concat([Buffer.from("Subject: caf"), Buffer.from([0xc3, 0xa9]), Buffer.from("\r\n\r\nhello\r\n")]);
    const client = new ScriptedClient([`A003 APPEND INBOX (\\Seen) " 7-Feb-1994 21:52:25 -0800" {${message.length}}\r\n`, Buffer.concat([message, Buffer.from("\r\n")])]);
    const result = await readCommand(client);
    const parsed = command(result);
    expect(parsed.command).toBe("APPEND");
    expect(parsed.args.slice(0, 3)).toEqual(["INBOX", ["\\Seen"], { q: " 7-Feb-1994 21:52:25 -0800" }]);
    const last = (result as ImapCommand).args[3];
    expect(last.type === "string" && last.value.equals(message)).toBe(true);
    expect(client.continuations).toBe(1);
  });

  it("reads the short APPEND of the brief, and MULTIAPPEND's many literals", async () => {
    const client = new ScriptedClient(["A1 APPEND INBOX (\\Seen) {5}\r\n", "hello\r\nA2 APPEND INBOX {1+}\r\na (\\Seen) {2+}\r\nbc ~{1+}\r\nd\r\n"]);
    expect(command(await readCommand(client)).args).toEqual(["INBOX", ["\\Seen"], { lit: "hello" }]);
    expect(command(await readCommand(client)).args).toEqual(["INBOX", { lit: "a" }, ["\\Seen"], { lit: "bc" }, { lit: "d", binary: true }]);
  });

  it("takes a literal's bytes as data even when they look like commands or literal markers", async () => {
    const client = new ScriptedClient(["A1 LOGIN {11+}\r\nA2 LOGOUT\r\n {5+}\r\n{3}\r\n\r\nA3 NOOP\r\n"]);
    expect(command(await readCommand(client)).args).toEqual([{ lit: "A2 LOGOUT\r\n" }, { lit: "{3}\r\n" }]);
    expect(command(await readCommand(client)).tag).toBe("A3");
  });

  it("returns null when the client leaves in the middle of a literal", async () => {
    expect(await readCommand(new ScriptedClient(["A1 LOGIN {10+}\r\nbob"]))).toBeNull();
    expect(await readCommand(new ScriptedClient(["A1 LOGIN {3+}\r\nbob"]))).toBeNull();
  });

  it("finds literal markers only at the end of a line and outside quoted strings", () => {
    const marker = (text: string) => literalMarker(Buffer.from(text, "latin1"));
    expect(marker("A LOGIN {5}")).toEqual({ size: 5, sync: true, binary: false });
    expect(marker("A LOGIN {5+}")).toEqual({ size: 5, sync: false, binary: false });
    expect(marker("A APPEND X ~{5}")).toEqual({ size: 5, sync: true, binary: true });
    expect(marker("A APPEND X ~{5+}")).toEqual({ size: 5, sync: false, binary: true });
    expect(marker("A X {99999999999999999999}")?.size).toBe(Infinity);
    expect(marker('A X "a\\"b" {1}')?.size).toBe(1);
    expect(marker('A X "{5}')).toBeNull();
    expect(marker('A X "a\\" {5}')).toBeNull();
    for (const none of ["A X {5-}", "A X {5} ", "A X {}", "A X {+}", "{", "}"]) expect(marker(none), none).toBeNull();
  });
});

describe("bad commands keep the connection usable", () => {
  it("answers a syntax error with the tag, or untagged when the tag is unreadable", async () => {
    const client = new ScriptedClient(['A1 LOGIN "bob\r\n(x NOOP\r\nA2 NOOP\r\n']);
    const first = refusal(await readCommand(client));
    expect(first.tag).toBe("A1");
    expect(readErrorResponse(first).toString()).toBe("A1 BAD Unterminated quoted string\r\n");
    const second = refusal(await readCommand(client));
    expect(second.tag).toBeUndefined();
    expect(readErrorResponse(second).toString()).toMatch(/^\* BAD /);
    expect(command(await readCommand(client)).tag).toBe("A2");
  });

  it("does not take a marker inside an unterminated quoted string for a literal", async () => {
    const client = new ScriptedClient(['A1 LOGIN "bob {5}\r\nA2 NOOP\r\n']);
    expect(refusal(await readCommand(client)).tag).toBe("A1");
    expect(command(await readCommand(client)).tag).toBe("A2");
    expect(client.written).toEqual([]);
  });

  it("refuses a synchronising literal over the limit without a continuation, then reads the next command", async () => {
    const client = new ScriptedClient(["A1 APPEND INBOX {100}\r\nA2 NOOP\r\n"]);
    const result = refusal(await readCommand(client, limits({ maxLiteralSize: 99 })));
    expect(result.close).toBeUndefined();
    expect(readErrorResponse(result).toString()).toBe("A1 BAD [TOOBIG] Literal too big\r\n");
    expect(client.written).toEqual([]);
    expect(command(await readCommand(client)).tag).toBe("A2");
  });

  it("refuses a huge announced size without reading or allocating", async () => {
    const client = new ScriptedClient(["A1 APPEND INBOX {99999999999999999999}\r\nA2 NOOP\r\n"]);
    expect(refusal(await readCommand(client)).error.code).toBe("TOOBIG");
    expect(command(await readCommand(client)).tag).toBe("A2");
  });

  it("reads and drops a LITERAL+ literal over the limit, with the rest of its command, then reads the next command", async () => {
    const client = new ScriptedClient([`A1 APPEND INBOX {100+}\r\n${"x".repeat(100)} {3+}\r\nabc\r\nA2 NOOP\r\n`]);
    const result = refusal(await readCommand(client, limits({ maxLiteralSize: 99 })));
    expect(result).toMatchObject({ tag: "A1", error: { code: "TOOBIG" } });
    expect(result.close).toBeUndefined();
    expect(command(await readCommand(client)).tag).toBe("A2");
    expect(client.written).toEqual([]);
  });

  it("stops skipping at a synchronising literal later in a refused command (the client waits for +)", async () => {
    const client = new ScriptedClient([`A1 APPEND INBOX {10+}\r\n${"x".repeat(10)} {5}\r\n`, "never\r\n"]);
    const result = refusal(await readCommand(client, limits({ maxLiteralSize: 9 })));
    expect(result.close).toBeUndefined();
    expect(client.written).toEqual([]);
  });

  it("asks to close when a refused LITERAL+ literal is too big to skip", async () => {
    const client = new ScriptedClient([`A1 APPEND INBOX {2000+}\r\n${"x".repeat(2000)}\r\nA2 NOOP\r\n`]);
    const result = refusal(await readCommand(client, limits({ maxLiteralSize: 1000, maxDiscard: 1500 })));
    expect(result.close).toBe(true);
    expect(readErrorResponse(result).toString()).toBe("* BYE [TOOBIG] Literal too big\r\n");
    // Nothing of the literal was consumed: the session closes instead.
    expect(client.unread.startsWith("x")).toBe(true);
  });

  it("with LITERAL-, refuses non-synchronising literals over 4096 bytes but not synchronising ones", async () => {
    const big = "y".repeat(4097);
    const client = new ScriptedClient([`A1 APPEND INBOX {4097+}\r\n${big}\r\nA2 APPEND INBOX {4096+}\r\n${big.slice(1)}\r\nA3 APPEND INBOX {4097}\r\n`, `${big}\r\n`]);
    const options = limits({ literalMinus: true });
    expect(refusal(await readCommand(client, options))).toMatchObject({ tag: "A1", error: { code: "TOOBIG" } });
    expect(command(await readCommand(client, options)).tag).toBe("A2");
    expect(command(await readCommand(client, options)).tag).toBe("A3");
    expect(client.continuations).toBe(1);
  });

  it("refuses too many literals with LIMIT", async () => {
    const client = new ScriptedClient(["A1 X {1+}\r\na {1+}\r\nb {1+}\r\nc\r\nA2 NOOP\r\n"]);
    const result = refusal(await readCommand(client, limits({ maxLiterals: 2 })));
    expect(result.error.code).toBe("LIMIT");
    expect(result.close).toBeUndefined();
    expect(command(await readCommand(client)).tag).toBe("A2");
  });

  it("refuses a command whose lines and literals together pass the command limit", async () => {
    const client = new ScriptedClient([`A1 X {40+}\r\n${"a".repeat(40)} {40}\r\n`, `${"b".repeat(40)}\r\nA2 NOOP\r\nA3 ${"z".repeat(60)}\r\nA4 NOOP\r\n`]);
    const small = limits({ maxCommandSize: 64 });
    expect(refusal(await readCommand(client, small)).error.code).toBe("TOOBIG");
    // The synchronising literal was never asked for; the client sends no data for it.
    expect(client.written).toEqual([]);
    expect(client.unread.startsWith("b")).toBe(true);
  });

  it("refuses a long command of one line and keeps going", async () => {
    const client = new ScriptedClient([`A1 X ${"z".repeat(80)}\r\nA2 NOOP\r\n`]);
    const result = refusal(await readCommand(client, limits({ maxCommandSize: 64 })));
    expect(result).toMatchObject({ tag: "A1", error: { code: "TOOBIG" } });
    expect(command(await readCommand(client)).tag).toBe("A2");
  });

  it("asks to close after a line too long, whose end it could not see", async () => {
    const client = new ScriptedClient([`A1 X ${"z".repeat(100)}\r\nA2 NOOP\r\n`]);
    const result = refusal(await readCommand(client, limits({ maxLineLength: 50 })));
    expect(result.close).toBe(true);
    expect(result.tag).toBeUndefined();
    expect(readErrorResponse(result).toString()).toBe("* BYE [TOOBIG] Command line too long\r\n");
  });

  it("keeps the tag of a command whose later line is too long", async () => {
    const client = new ScriptedClient([`A1 X {1+}\r\na ${"z".repeat(100)}\r\n`]);
    expect(refusal(await readCommand(client, limits({ maxLineLength: 50 })))).toMatchObject({ tag: "A1", close: true });
  });

  it("passes the utf8 option to the tokenizer", async () => {
    const client = new ScriptedClient(['A1 SELECT "台北"\r\nA2 SELECT "台北"\r\n']);
    expect(refusal(await readCommand(client)).tag).toBe("A1");
    expect(command(await readCommand(client, DEFAULT_READ_LIMITS, { utf8: true })).args).toEqual([{ q: Buffer.from("台北").toString("latin1") }]);
  });
});

describe("over a real Connection", () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
  });

  it("writes the continuation to the socket and gets the literal after it", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => server.close());
    const accepted = new Promise<net.Socket>((resolve) => server.once("connection", resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
    cleanup.push(() => client.destroy());
    const connection = new Connection(await accepted, false);
    cleanup.push(() => connection.destroy());

    let received = "";
    client.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      // A well-behaved client: the literal only after the server's "+".
      if (received === CONTINUATION_READY) client.write("secret\r\n");
    });
    client.write("A1 LOGIN bob {6}\r\n");
    expect(command(await readCommand(connection))).toEqual({ tag: "A1", command: "LOGIN", args: ["bob", { lit: "secret" }] });
    expect(received).toBe(CONTINUATION_READY);
  });
});
