// Hostile input from an authenticated client: what one session can make the server do must
// stay bounded in time and memory, and every refusal is the protocol's answer (BAD or NO),
// never NO [SERVERBUG] — the architecture's "hostile input is normal input".
import net from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crlf, startImapServer, textMessage, type ImapTestServer, type TestAccount } from "../helpers/imap";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

describe("IMAP hostile input", () => {
  let t: ImapTestServer;
  let account: TestAccount;
  beforeAll(async () => {
    t = await startImapServer({ env: { MAX_MESSAGE_SIZE: "4M" } });
    account = await t.account();
    await t.put(account, textMessage("target"));
  });
  afterAll(async () => t?.cleanup());

  it('answers LIST and LSUB patterns built to backtrack ("*a" or "%a" seven times, then "c", against a 56-character name) at once', async () => {
    const client = await t.connect({ account });
    await client.ok(`CREATE ${"a".repeat(55)}b`);
    // A regular expression with backtracking takes seconds here (more with longer names:
    // up to 1000 characters are allowed), and the whole server, SMTP included, waits.
    // Matching a glob needs no backtracking at all.
    for (const command of [`LIST "" "${"*a".repeat(7)}*c"`, `LSUB "" "${"%a".repeat(7)}%c"`]) {
      const start = Date.now();
      const result = await client.command(command, 60_000);
      const elapsed = Date.now() - start;
      expect(result.status, command).toBe("OK");
      expect(result.untagged, command).toEqual([]);
      expect(elapsed, command).toBeLessThan(250);
    }
    expect((await client.ok(`LIST "" "*a*b"`)).untagged).toEqual([`* LIST (\\HasNoChildren) "/" ${"a".repeat(55)}b`]);
    await client.logout();
  }, 60_000);

  it("answers a SEARCH of 15,000 nested NOTs or 9,000 chained ORs with BAD, not NO [SERVERBUG]", async () => {
    const client = await t.connect({ account });
    await client.ok("SELECT INBOX");
    const nots = await client.command(`SEARCH ${"NOT ".repeat(15_000)}ALL`);
    expect(nots.status).toBe("BAD");
    const ors = await client.command(`SEARCH ${"OR ALL ".repeat(9_000)}ALL`);
    expect(ors.status).toBe("BAD");
    expect((await client.ok("SEARCH NOT NOT ALL")).untagged).toEqual(["* SEARCH 1"]);
    expect(t.logs.filter((l) => l.includes("SEARCH failed"))).toEqual([]);
    await client.logout();
  });

  it("refuses keywords with list wildcards ('*', '%') with BAD in STORE and APPEND (RFC 3501 §9: atom-specials)", async () => {
    const client = await t.connect({ account });
    await client.ok("SELECT INBOX");
    for (const flags of ["(a*b)", "(a%b)"]) {
      const store = await client.command(`STORE 1 +FLAGS ${flags}`);
      expect(store.status, `STORE ${flags}`).toBe("BAD");
      const append = await client.append("INBOX", textMessage("wild"), { flags });
      expect(append.status, `APPEND ${flags}`).toBe("BAD");
    }
    // Each untagged line starts with "* ": look at what follows.
    const flags = (await client.ok("FETCH 1:* (FLAGS)")).untagged.map((line) => line.replace(/^\* /, "")).join("\n");
    expect(flags).not.toMatch(/[*%]/);
    await client.logout();
  });

  it("refuses more than 64 keywords on a message in STORE and in APPEND alike, with NO or BAD, never [SERVERBUG]", async () => {
    const client = await t.connect({ account });
    await client.ok("SELECT INBOX");
    const many = `(${Array.from({ length: 70 }, (_, i) => `k${i}`).join(" ")})`;
    const store = await client.command(`STORE 1 +FLAGS ${many}`);
    expect(store.status).toMatch(/^(NO|BAD)$/);
    expect(store.code).not.toBe("SERVERBUG");
    const append = await client.append("INBOX", textMessage("keywords"), { flags: many });
    expect(append.status).toMatch(/^(NO|BAD)$/);
    await client.logout();
  });

  it("answers FETCH naming a big section 64 times without holding a copy per item in memory", async () => {
    const line = "x".repeat(78) + "\r\n";
    const big = Buffer.concat([crlf("Subject: big\n\n"), Buffer.from(line.repeat(Math.floor((3.9 * 1024 * 1024) / line.length)))]);
    const other = await t.account();
    await t.put(other, big);
    const items = Array.from({ length: 64 }, () => "BODY.PEEK[]").join(" ");

    // A client that reads everything into one reused buffer (so the reading side allocates
    // nothing) and keeps only a count and the last bytes.
    let received = 0;
    let tail = "";
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const socket = net.connect({
      port: t.imapPort,
      host: "127.0.0.1",
      onread: {
        buffer: Buffer.alloc(256 * 1024),
        callback: (n: number, buffer: Uint8Array) => {
          received += n;
          tail = (tail + Buffer.from(buffer.buffer, buffer.byteOffset, n).toString("latin1", Math.max(0, n - 200))).slice(-200);
          if (/\r\nF3 (OK|NO|BAD)[^\r\n]*\r\n$/.test(tail)) resolveDone();
          return true;
        },
      },
    });
    await new Promise((r) => socket.once("connect", r));
    await new Promise((r) => setTimeout(r, 50));
    socket.write(`F1 LOGIN ${other.address} "${other.password}"\r\nF2 EXAMINE INBOX\r\n`);
    await new Promise((r) => setTimeout(r, 300));

    gc();
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 2);
    socket.write(`F3 FETCH 1 (${items})\r\n`);
    await done;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    socket.destroy();

    expect(tail).toMatch(/F3 OK/);
    expect(received).toBeGreaterThan(64 * big.length);
    // 64 copies would be 250 MB; one message and some socket buffers are a few MB.
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
  });
});
