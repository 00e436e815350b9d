// lib/mail-server/net/connection.ts over a real socket pair on loopback: lines and their
// limit, exact byte counts, streamed consumers with pipelined leftovers, STARTTLS, DEFLATE.
import { randomBytes } from "node:crypto";
import net from "node:net";
import tls from "node:tls";
import zlib from "node:zlib";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Connection, connectionTimings } from "@/lib/mail-server/net/connection";
import { loadTlsIdentity, type TlsIdentity } from "@/lib/mail-server/net/tls";
import { loadConfig } from "@/lib/config";
import { DotDataDecoder } from "@/lib/mail-server/smtp/data-reader";

interface Pair {
  conn: Connection;
  server: net.Socket;
  client: net.Socket;
}

let listener: net.Server;
const waiting: ((socket: net.Socket) => void)[] = [];
const open: Pair[] = [];

beforeAll(async () => {
  listener = net.createServer((socket) => waiting.shift()?.(socket));
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
});

afterEach(() => {
  for (const { conn, client } of open.splice(0)) {
    conn.destroy();
    client.destroy();
  }
});

afterAll(async () => {
  await new Promise<void>((resolve) => listener.close(() => resolve()));
});

async function pair(): Promise<Pair> {
  const accepted = new Promise<net.Socket>((resolve) => waiting.push(resolve));
  const client = net.connect((listener.address() as net.AddressInfo).port, "127.0.0.1");
  client.on("error", () => undefined);
  await new Promise<void>((resolve) => client.once("connect", () => resolve()));
  const server = await accepted;
  const result = { conn: new Connection(server, false), server, client };
  open.push(result);
  return result;
}

/** Resolves with what the socket received once it contains `until`. */
function receive(socket: net.Socket | tls.TLSSocket, until: string): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (text.includes(until)) {
        socket.off("data", onData);
        resolve(text);
      }
    };
    socket.on("data", onData);
  });
}

const write = (socket: net.Socket, data: string | Buffer) => new Promise<void>((resolve) => socket.write(data, () => resolve()));

describe("Connection.readLine", () => {
  it("returns lines without CRLF or bare LF, in order, from one or many writes", async () => {
    const { conn, client } = await pair();
    client.write("EHLO a\r\nMAIL FROM:<x@y>\nRCPT");
    expect(await conn.readLine(100)).toEqual({ line: "EHLO a" });
    expect(await conn.readLine(100)).toEqual({ line: "MAIL FROM:<x@y>" });
    setTimeout(() => client.write(" TO:<z@y>\r\n"), 10);
    expect(await conn.readLine(100)).toEqual({ line: "RCPT TO:<z@y>" });
    client.write("\r\n\n");
    expect(await conn.readLine(100)).toEqual({ line: "" });
    expect(await conn.readLine(100)).toEqual({ line: "" });
  });

  it("keeps a CR that isn't part of the line end, and decodes UTF-8 split across segments", async () => {
    const { conn, client } = await pair();
    const word = Buffer.from("größe\r\n");
    await write(client, Buffer.concat([Buffer.from("a\rb\r\r\n"), word.subarray(0, 3)]));
    expect(await conn.readLine(100)).toEqual({ line: "a\rb\r" });
    setTimeout(() => client.write(word.subarray(3)), 10);
    expect(await conn.readLine(100)).toEqual({ line: "größe" });
  });

  it("a line of exactly maxLength characters (plus CRLF or LF) is a line", async () => {
    const { conn, client } = await pair();
    client.write(`${"a".repeat(10)}\r\n${"b".repeat(10)}\n`);
    expect(await conn.readLine(10)).toEqual({ line: "a".repeat(10) });
    expect(await conn.readLine(10)).toEqual({ line: "b".repeat(10) });
  });

  it("a line longer than maxLength is tooLong, and the next line is read normally", async () => {
    const { conn, client } = await pair();
    client.write(`${"x".repeat(11)}\r\nnext\r\n`);
    expect(await conn.readLine(10)).toEqual({ tooLong: true });
    expect(await conn.readLine(10)).toEqual({ line: "next" });
  });

  it("a line of maxLength + 1 characters ended by a bare LF is tooLong too", async () => {
    // With CRLF the limit holds; with a bare LF one more character gets through (lf > maxLength + 1).
    const { conn, client } = await pair();
    client.write(`${"x".repeat(11)}\nnext\n`);
    expect(await conn.readLine(10)).toEqual({ tooLong: true });
    expect(await conn.readLine(10)).toEqual({ line: "next" });
  });

  it("a long line that arrives in pieces is skipped to its end, then reading continues", async () => {
    const { conn, client } = await pair();
    const reading = conn.readLine(10);
    for (let i = 0; i < 20; i++) {
      await write(client, "y".repeat(7));
      await new Promise((r) => setTimeout(r, 1));
    }
    await write(client, "\r\nafter\r\n");
    expect(await reading).toEqual({ tooLong: true });
    expect(await conn.readLine(10)).toEqual({ line: "after" });
  });

  it("a 10 MB line is reported tooLong without being buffered", async () => {
    const { conn, server, client } = await pair();
    let largest = 0;
    const internals = conn as unknown as { buffer: Buffer };
    // Runs after the Connection's own data handler: what it holds after each segment.
    server.on("data", () => (largest = Math.max(largest, internals.buffer.length)));
    const reading = conn.readLine(4096);
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const sending = (async () => {
      for (let sent = 0; sent < 10 * 1024 * 1024; sent += chunk.length) await write(client, chunk);
      await write(client, "\r\nQUIT\r\n");
    })();
    expect(await reading).toEqual({ tooLong: true });
    expect(await conn.readLine(4096)).toEqual({ line: "QUIT" });
    await sending;
    expect(largest).toBeGreaterThan(0);
    // At most what arrives between two turns of readLine; never the 10 MB.
    expect(largest).toBeLessThanOrEqual(1024 * 1024 + 2 * chunk.length);
  });

  it("returns null when the peer closes, also in the middle of a line", async () => {
    const { conn, client } = await pair();
    client.end("last\r\npartial");
    expect(await conn.readLine(100)).toEqual({ line: "last" });
    expect(await conn.readLine(100)).toBeNull();
  });

  it("hasBufferedLine tells whether a pipelined line is already waiting", async () => {
    const { conn, client } = await pair();
    await write(client, "ONE\r\nTW");
    expect(await conn.readLine(100)).toEqual({ line: "ONE" });
    expect(conn.hasBufferedLine()).toBe(false);
    await write(client, "O\r\n");
    for (const deadline = Date.now() + 2000; !conn.hasBufferedLine() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 5));
    expect(conn.hasBufferedLine()).toBe(true);
    expect(await conn.readLine(100)).toEqual({ line: "TWO" });
  });
});

describe("Connection.readExact and consume", () => {
  it("readExact delivers exactly n bytes and leaves the rest for readLine", async () => {
    const { conn, client } = await pair();
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    client.write(Buffer.concat([Buffer.from("BDAT 256\r\n"), bytes, Buffer.from("QUIT\r\n")]));
    expect(await conn.readLine(100)).toEqual({ line: "BDAT 256" });
    const pieces: Buffer[] = [];
    expect(await conn.readExact(256, (piece) => pieces.push(Buffer.from(piece)))).toBe(true);
    expect(Buffer.concat(pieces)).toEqual(bytes);
    expect(await conn.readLine(100)).toEqual({ line: "QUIT" });
  });

  it("readExact across many segments, and readExact(0) returns at once", async () => {
    const { conn, client } = await pair();
    expect(await conn.readExact(0, () => expect.unreachable())).toBe(true);
    const got: Buffer[] = [];
    const reading = conn.readExact(100_000, (piece) => got.push(Buffer.from(piece)));
    for (let i = 0; i < 10; i++) await write(client, Buffer.alloc(10_001, i));
    expect(await reading).toBe(true);
    const all = Buffer.concat(got);
    expect(all.length).toBe(100_000);
    expect(all[99_999]).toBe(9);
    await write(client, "\r\n");
    expect(await conn.readLine(100)).toEqual({ line: "\t".repeat(10) });
  });

  it("readExact is false when the peer leaves before n bytes", async () => {
    const { conn, client } = await pair();
    client.end("short");
    expect(await conn.readExact(10, () => undefined)).toBe(false);
  });

  it("consume with the DATA decoder leaves pipelined commands for the next readLine", async () => {
    const { conn, client } = await pair();
    client.write("Subject: x\r\n\r\nbody\r\n..dot\r\n.\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@b.test>\r\n");
    const decoder = new DotDataDecoder(1000);
    const complete = await conn.consume((chunk) => ({ used: decoder.write(chunk), done: decoder.done }));
    expect(complete).toBe(true);
    expect(decoder.message().toString()).toBe("Subject: x\r\n\r\nbody\r\n.dot\r\n");
    expect(await conn.readLine(100)).toEqual({ line: "MAIL FROM:<a@b.test>" });
    expect(await conn.readLine(100)).toEqual({ line: "RCPT TO:<c@b.test>" });
  });

  it("consume is given undecided tails again with more input", async () => {
    const { conn, client } = await pair();
    const decoder = new DotDataDecoder(1000);
    const consuming = conn.consume((chunk) => ({ used: decoder.write(chunk), done: decoder.done }));
    for (const piece of ["a\r", "\n", ".", "\r", "\nNOOP\r\n"]) {
      await write(client, piece);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await consuming).toBe(true);
    expect(decoder.message().toString()).toBe("a\r\n");
    expect(await conn.readLine(100)).toEqual({ line: "NOOP" });
  });

  it("consume is false when the peer leaves mid-data", async () => {
    const { conn, client } = await pair();
    client.end("half a message\r\n");
    const decoder = new DotDataDecoder(1000);
    expect(await conn.consume((chunk) => ({ used: decoder.write(chunk), done: decoder.done }))).toBe(false);
  });
});

describe("Connection: writes, idle timeout, addresses", () => {
  it("knows its peer is loopback and sends what is written", async () => {
    const { conn, client } = await pair();
    expect(conn.remoteAddress).toBe("127.0.0.1");
    expect(conn.loopback).toBe(true);
    const got = receive(client, "250 b\r\n");
    conn.write("250-a\r\n");
    conn.write(Buffer.from("250 b\r\n"));
    expect(await got).toBe("250-a\r\n250 b\r\n");
  });

  it("a burst of small strings and Buffers leaves as one segment; a long Buffer goes after them, in order", async () => {
    const { conn, client } = await pair();
    const segments: Buffer[] = [];
    client.on("data", (chunk: Buffer) => segments.push(chunk));
    const got = receive(client, "A1 OK done\r\n");
    conn.write("* FLAGS (\\Seen)\r\n");
    for (let i = 0; i < 8; i++) conn.write(Buffer.from(`* OK [LINE ${i}] ünïcode\r\n`));
    conn.write("A0 OK first burst\r\n");
    conn.flush();
    await receive(client, "A0 OK first burst\r\n");
    expect(segments).toHaveLength(1);
    const long = randomBytes(40_000);
    conn.write("* 1 FETCH (BODY[] {40000}\r\n");
    conn.write(long);
    conn.write(")\r\nA1 OK done\r\n");
    conn.flush();
    const text = await got;
    expect(Buffer.from(text, "latin1").subarray(-40_000 - ")\r\nA1 OK done\r\n".length, -")\r\nA1 OK done\r\n".length).equals(long)).toBe(true);
    expect(Buffer.concat(segments).toString("utf8")).toContain("* OK [LINE 7] ünïcode\r\nA0 OK first burst\r\n* 1 FETCH (BODY[] {40000}\r\n");
  });

  it("calls the idle callback after the timeout without input", async () => {
    const { conn } = await pair();
    const started = Date.now();
    await new Promise<void>((resolve) => conn.setIdleTimeout(50, resolve));
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });
});

describe("Connection.startTls", () => {
  let identity: TlsIdentity;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "unit-tls-"));
    identity = await loadTlsIdentity(loadConfig({ DATA_DIR: dataDir }));
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("discards commands pipelined in plain text behind STARTTLS (CVE-2011-0411) and reads the first line sent over TLS", async () => {
    const { conn, client } = await pair();
    client.write("STARTTLS\r\nMAIL FROM:<injected@attacker.test>\r\nRCPT TO:<victim@example.test>\r\n");
    expect(await conn.readLine(100)).toEqual({ line: "STARTTLS" });
    const go = receive(client, "220 ");
    conn.write("220 2.0.0 Ready to start TLS\r\n");
    const upgrading = conn.startTls(identity.context);
    await go;
    const secure = tls.connect({ socket: client, rejectUnauthorized: false, servername: "localhost" });
    await new Promise<void>((resolve) => secure.once("secureConnect", () => resolve()));
    expect(await upgrading).toBe(true);
    expect(conn.secure).toBe(true);
    expect(conn.tlsProtocol).toMatch(/^TLSv1\.[23]$/);
    expect(conn.tlsCipher).toBeTruthy();
    secure.write("EHLO after-tls\r\n");
    expect(await conn.readLine(100)).toEqual({ line: "EHLO after-tls" });
    const answer = receive(secure, "\r\n");
    conn.write("250 secure\r\n");
    expect(await answer).toBe("250 secure\r\n");
    secure.destroy();
  });

  it("a client that answers 220 with plain text gets a failed handshake, not a command", async () => {
    const { conn, client } = await pair();
    client.write("STARTTLS\r\n");
    expect(await conn.readLine(100)).toEqual({ line: "STARTTLS" });
    const go = receive(client, "220 ");
    conn.write("220 go\r\n");
    const upgrading = conn.startTls(identity.context);
    await go;
    client.write("MAIL FROM:<plain@attacker.test>\r\n");
    expect(await upgrading).toBe(false);
    expect(conn.secure).toBe(false);
  });
});

describe("Connection.startCompression", () => {
  /** The client's half of RFC 4978: its own deflater (sync-flushed per write) and inflater. */
  function compressingClient(client: net.Socket) {
    const deflate = zlib.createDeflateRaw();
    const inflate = zlib.createInflateRaw();
    deflate.on("data", (chunk: Buffer) => client.write(chunk));
    let text = "";
    let segments = 0;
    client.on("data", (chunk: Buffer) => {
      segments++;
      inflate.write(chunk);
    });
    inflate.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
    return {
      send(data: string | Buffer) {
        deflate.write(data);
        deflate.flush(zlib.constants.Z_SYNC_FLUSH);
      },
      async until(pattern: string) {
        while (!text.includes(pattern)) await new Promise((r) => setTimeout(r, 5));
        return text;
      },
      get segments() {
        return segments;
      },
    };
  }

  it("sends what was written before in the clear, then inflates input and deflates output, flushed once per burst", async () => {
    const { conn, client } = await pair();
    const ok = receive(client, "A1 OK\r\n");
    conn.write("A1 OK\r\n");
    conn.startCompression();
    expect(await ok).toBe("A1 OK\r\n");
    expect(conn.compressed).toBe(true);
    const peer = compressingClient(client);
    peer.send("A2 FETCH 1:* (FLAGS)\r\nA3 NOOP\r\n");
    expect(await conn.readLine(100)).toEqual({ line: "A2 FETCH 1:* (FLAGS)" });
    expect(await conn.readLine(100)).toEqual({ line: "A3 NOOP" });
    // A thousand small writes, one flush: a handful of segments, not a thousand.
    for (let i = 1; i <= 1000; i++) conn.write(`* ${i} FETCH (FLAGS (\\Seen))\r\n`);
    conn.write("A2 OK done\r\n");
    conn.flush();
    const text = await peer.until("A2 OK done\r\n");
    expect(text.split("\r\n")).toHaveLength(1002);
    expect(peer.segments).toBeLessThan(20);
  });

  it("inflates input that arrived before it was turned on (a client that didn't wait for the OK)", async () => {
    const { conn, client } = await pair();
    const early = zlib.deflateRawSync("A2 NOOP\r\n", { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    client.write(Buffer.concat([Buffer.from("A1 COMPRESS DEFLATE\r\n"), early]));
    expect(await conn.readLine(100)).toEqual({ line: "A1 COMPRESS DEFLATE" });
    conn.startCompression();
    expect(await conn.readLine(100)).toEqual({ line: "A2 NOOP" });
  });

  it("ends the connection on a corrupt stream", async () => {
    const { conn, client } = await pair();
    conn.startCompression();
    client.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37]));
    expect(await conn.readLine(100)).toBeNull();
    expect(conn.closed).toBe(true);
  });

  it("counts output still in the deflater as unsent, and drops a client that reads nothing for sendStallMs", async () => {
    const saved = connectionTimings.sendStallMs;
    connectionTimings.sendStallMs = 200;
    try {
      const { conn, client } = await pair();
      conn.startCompression();
      client.pause();
      // Incompressible, so the socket's buffers fill as they would in the clear.
      const noise = randomBytes(1024 * 1024);
      const started = Date.now();
      for (let i = 0; i < 32 && !conn.closed; i++) {
        conn.write(noise);
        await conn.drained();
      }
      expect(conn.closed).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    } finally {
      connectionTimings.sendStallMs = saved;
    }
  });
});
