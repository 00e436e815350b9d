// COMPRESS=DEFLATE (RFC 4978) against the real server: a raw client behind a small proxy that
// does the client's half of the compression (so the raw client reads plain responses while the
// server really sends and receives DEFLATE), imapflow (which negotiates COMPRESS by itself),
// over IMAPS and after STARTTLS, and a client that sends garbage or a decompression bomb.
import net from "node:net";
import tls from "node:tls";
import v8 from "node:v8";
import vm from "node:vm";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImapClient, sleep, startImapServer, textMessage, untaggedOf, type ImapTestServer, type TestAccount } from "../helpers/imap";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

interface CompressingProxy {
  port: number;
  /** Bytes that came from the server compressed, and what they inflated to. */
  stats: { wireFromServer: number; inflatedFromServer: number; compressing: boolean };
  close(): void;
}

/**
 * Accepts one plain connection and relays it to the server (IMAP_PORT or, with tls, IMAPS_PORT).
 * After the server's tagged OK to the client's "COMPRESS DEFLATE", it deflates what the client
 * sends (sync flush per chunk, as a client must) and inflates what the server sends.
 */
async function compressingProxy(port: number, options: { tls?: boolean } = {}): Promise<CompressingProxy> {
  const stats = { wireFromServer: 0, inflatedFromServer: 0, compressing: false };
  const sockets: net.Socket[] = [];
  const server = net.createServer((client) => {
    const upstream = options.tls ? tls.connect({ port, host: "127.0.0.1", rejectUnauthorized: false, servername: "localhost" }) : net.connect({ port, host: "127.0.0.1" });
    sockets.push(client, upstream);
    const deflate = zlib.createDeflateRaw({ windowBits: 15 });
    const inflate = zlib.createInflateRaw({ windowBits: 15 });
    deflate.on("data", (chunk: Buffer) => upstream.write(chunk));
    inflate.on("data", (chunk: Buffer) => {
      stats.inflatedFromServer += chunk.length;
      client.write(chunk);
    });
    const hangUp = () => {
      client.destroy();
      upstream.destroy();
    };
    inflate.on("error", hangUp);
    for (const socket of [client, upstream]) {
      socket.on("error", hangUp);
      socket.on("close", hangUp);
    }
    let compressTag: string | null = null;
    let fromServer = "";
    client.on("data", (chunk: Buffer) => {
      if (!stats.compressing) {
        const asked = /^(\S+) COMPRESS DEFLATE\r\n/im.exec(chunk.toString("latin1"));
        if (asked) compressTag = asked[1];
        upstream.write(chunk);
        return;
      }
      deflate.write(chunk);
      deflate.flush(zlib.constants.Z_SYNC_FLUSH);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (stats.compressing) {
        stats.wireFromServer += chunk.length;
        inflate.write(chunk);
        return;
      }
      // Plain until the end of the line "<tag> OK …" that answers COMPRESS; the rest is deflated.
      fromServer += chunk.toString("latin1");
      const ok = compressTag ? new RegExp(`(^|\\r\\n)${compressTag} OK[^\\r]*\\r\\n`).exec(fromServer) : null;
      if (!ok) {
        client.write(chunk);
        fromServer = fromServer.slice(-1000);
        return;
      }
      const plainEnd = ok.index + ok[0].length - (fromServer.length - chunk.length);
      client.write(chunk.subarray(0, plainEnd));
      stats.compressing = true;
      const rest = chunk.subarray(plainEnd);
      if (rest.length) {
        stats.wireFromServer += rest.length;
        inflate.write(rest);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    stats,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** A raw client that speaks DEFLATE itself after COMPRESS: for input no real client would send. */
async function rawCompressed(t: ImapTestServer, account: TestAccount) {
  const socket = net.connect({ port: t.imapPort, host: "127.0.0.1" });
  socket.on("error", () => undefined);
  let text = "";
  let closed = false;
  const inflate = zlib.createInflateRaw();
  inflate.on("error", () => undefined);
  inflate.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
  let compressing = false;
  socket.on("data", (chunk: Buffer) => {
    if (compressing) inflate.write(chunk);
    else text += chunk.toString("latin1");
  });
  socket.on("close", () => (closed = true));
  const waitFor = async (pattern: RegExp, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(text)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in ${JSON.stringify(text.slice(-300))}`);
      await sleep(10);
    }
  };
  await waitFor(/^\* OK .*\r\n/);
  socket.write(`C1 LOGIN ${account.address} "${account.password}"\r\nC2 COMPRESS DEFLATE\r\n`);
  await waitFor(/C2 OK[^\r]*\r\n/);
  compressing = true;
  return {
    socket,
    waitFor,
    get text() {
      return text;
    },
    get closed() {
      return closed;
    },
  };
}

describe("IMAP COMPRESS=DEFLATE", () => {
  let t: ImapTestServer;
  let account: TestAccount;
  beforeAll(async () => {
    t = await startImapServer({ env: { MAX_MESSAGE_SIZE: "4M" } });
    account = await t.account();
    await t.put(account, textMessage("first"));
    await t.put(account, textMessage("second", { body: "compressible line\n".repeat(5000) }));
  });
  afterAll(async () => t?.cleanup());

  async function viaProxy(options: { tls?: boolean } = {}) {
    const proxy = await compressingProxy(options.tls ? t.imapsPort : t.imapPort, options);
    const client = await ImapClient.open(proxy.port);
    await client.login(account.address, account.password);
    return { proxy, client };
  }

  it("is advertised once authenticated and not before, and not again once active", async () => {
    const client = await t.connect();
    expect(client.greeting).not.toContain("COMPRESS=DEFLATE");
    const login = await client.login(account.address, account.password);
    expect(login.code).toContain("COMPRESS=DEFLATE");
    client.destroy();

    const { proxy, client: compressed } = await viaProxy();
    expect((await compressed.command("COMPRESS DEFLATE")).status).toBe("OK");
    const capability = await compressed.ok("CAPABILITY");
    expect(capability.untagged[0]).toMatch(/^\* CAPABILITY IMAP4rev1 /);
    expect(capability.untagged[0]).not.toContain("COMPRESS=DEFLATE");
    await compressed.logout();
    proxy.close();
  });

  it("refuses COMPRESS before login (BAD) and an unknown mechanism (BAD), and the session stays plain", async () => {
    const client = await t.connect();
    expect((await client.command("COMPRESS DEFLATE")).status).toBe("BAD");
    await client.login(account.address, account.password);
    expect((await client.command("COMPRESS LZW")).status).toBe("BAD");
    expect((await client.command("NOOP")).status).toBe("OK");
    await client.logout();
  });

  it("runs SELECT, FETCH, APPEND (synchronising and LITERAL+) and IDLE compressed, and answers a second COMPRESS with NO [COMPRESSIONACTIVE]", async () => {
    const { proxy, client } = await viaProxy();
    const ok = await client.command("COMPRESS DEFLATE");
    expect([ok.status, ok.untagged]).toEqual(["OK", []]);
    expect(proxy.stats.compressing).toBe(true);

    const again = await client.command("COMPRESS DEFLATE");
    expect([again.status, again.code]).toEqual(["NO", "COMPRESSIONACTIVE"]);

    const select = await client.ok("SELECT INBOX");
    expect(untaggedOf(select, "EXISTS")).toEqual(["* 2 EXISTS"]);
    const fetch = await client.ok("FETCH 1:* (UID BODY.PEEK[])");
    expect(untaggedOf(fetch, "FETCH")).toHaveLength(2);
    expect(fetch.untagged[1]).toContain("compressible line\r\n".repeat(5000));
    // The big body went over the wire deflated: far fewer bytes than it has.
    expect(proxy.stats.wireFromServer).toBeLessThan(proxy.stats.inflatedFromServer / 10);

    const appended = await client.append("INBOX", textMessage("appended compressed"));
    expect(appended.code).toMatch(/^APPENDUID \d+ 3$/);
    const nonSync = await client.append("INBOX", textMessage("appended non-sync"), { nonSync: true });
    expect(nonSync.code).toMatch(/^APPENDUID \d+ 4$/);

    // IDLE: the continuation and a pushed EXISTS must reach the client without further input.
    await client.ok("NOOP");
    await client.write("I1 IDLE\r\n");
    expect(await client.response()).toMatch(/^\+ /);
    await t.put(account, textMessage("while idling"));
    expect(await client.response()).toBe("* 5 EXISTS");
    await client.write("DONE\r\n");
    expect((await client.until("I1")).status).toBe("OK");

    const search = await client.ok('SEARCH SUBJECT "while idling"');
    expect(search.untagged).toEqual(["* SEARCH 5"]);
    await client.logout();
    proxy.close();
  });

  it("compresses inside implicit TLS (IMAPS)", async () => {
    const { proxy, client } = await viaProxy({ tls: true });
    expect((await client.command("COMPRESS DEFLATE")).status).toBe("OK");
    const fetch = await client.ok("EXAMINE INBOX").then(() => client.ok("FETCH 2 (BODY.PEEK[TEXT])"));
    expect(fetch.untagged[0]).toContain("compressible line");
    expect(proxy.stats.wireFromServer).toBeGreaterThan(0);
    expect(proxy.stats.wireFromServer).toBeLessThan(proxy.stats.inflatedFromServer / 10);
    await client.logout();
    proxy.close();
  });

  for (const mode of ["STARTTLS", "IMAPS"] as const) {
    it(`imapflow negotiates COMPRESS by itself (${mode}) and works through it`, async () => {
      const flow = await t.imapflow(account, { secure: mode === "IMAPS" });
      // imapflow keeps its deflate stream on the connection once the server said OK to COMPRESS.
      const internals = flow as unknown as { _deflate?: zlib.DeflateRaw; secureConnection?: boolean };
      expect(internals._deflate).toBeDefined();
      expect(internals.secureConnection).toBe(true);
      const lock = await flow.getMailboxLock("INBOX");
      try {
        const second = await flow.fetchOne("2", { source: true });
        expect(second && second.source?.toString("latin1")).toContain("compressible line\r\n".repeat(5000));
        const appended = await flow.append("INBOX", textMessage(`imapflow ${mode}`));
        expect(appended && appended.uid).toBeGreaterThan(0);
        const found = await flow.search({ subject: `imapflow ${mode}` }, { uid: true });
        expect(found).toEqual([appended && appended.uid]);
      } finally {
        lock.release();
      }
      await flow.logout();
    });
  }

  it("closes a connection whose deflate stream is garbage, and serves others meanwhile", async () => {
    const raw = await rawCompressed(t, account);
    raw.socket.write(Buffer.from("this is not a deflate stream at all \xff\xfe\x00\x01 ".repeat(20), "latin1"));
    const deadline = Date.now() + 5000;
    while (!raw.closed && Date.now() < deadline) await sleep(20);
    expect(raw.closed).toBe(true);
    const other = await t.connect({ account });
    expect((await other.command("SELECT INBOX")).status).toBe("OK");
    await other.logout();
  });

  it("bounds a decompression bomb by the line limit: 64 MB of one line from 64 KB on the wire, then BYE", async () => {
    const raw = await rawCompressed(t, account);
    gc();
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    // Inflating makes garbage at the rate it reads; what matters is what stays reachable. V8 frees
    // the memory of collected Buffers on a background thread: collect, let it run, collect again.
    const sampler = setInterval(() => {
      gc();
      setImmediate(() => {
        gc();
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      });
    }, 250);
    // Compressed first and sent in one write: the server reads it in chunks as big as the
    // kernel gives, each of which inflates up to 1,032 times its size.
    const deflate = zlib.createDeflateRaw({ level: 9 });
    const compressed: Buffer[] = [];
    deflate.on("data", (chunk: Buffer) => compressed.push(chunk));
    deflate.write("B1 SELECT ");
    const mega = Buffer.alloc(1024 * 1024, "x");
    for (let i = 0; i < 64; i++) {
      if (!deflate.write(mega)) await new Promise((r) => deflate.once("drain", r));
    }
    deflate.write("\r\nB2 NOOP\r\n");
    await new Promise((resolve) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve(undefined)));
    const bomb = Buffer.concat(compressed);
    const wire = bomb.length;
    raw.socket.write(bomb);
    await raw.waitFor(/\* BYE \[TOOBIG\][^\r]*\r\n/, 20_000);
    clearInterval(sampler);
    expect(wire).toBeLessThan(256 * 1024);
    expect(raw.text).not.toContain("B2 ");
    expect(peak - baseline).toBeLessThan(16 * 1024 * 1024);
    const deadline = Date.now() + 5000;
    while (!raw.closed && Date.now() < deadline) await sleep(20);
    expect(raw.closed).toBe(true);
  }, 30_000);
});
