// A real MTA as our SMTP peer: a private Postfix (tests/support/postfix.ts, relay mode) takes
// mail from nodemailer and smtplib and relays it to our server, once with opportunistic TLS
// and once in plain text through a recording proxy, so we see exactly what Postfix sent.
import { readFileSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostfix, type PostfixInstance } from "../support/postfix";
import { headerOf, headersOf, nodemailerTransport, smtplibSend, splitTrace, startSmtpServer, type SmtpTestServer } from "../helpers/smtp";

/** A TCP proxy that records both directions, to see which commands a client really uses. */
function recordingProxy(targetPort: number): Promise<{ port: number; fromClient: Buffer[]; fromServer: Buffer[]; close(): void }> {
  const fromClient: Buffer[] = [];
  const fromServer: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((downstream) => {
    const upstream = net.connect({ port: targetPort, host: "127.0.0.1" });
    sockets.add(downstream).add(upstream);
    downstream.on("data", (d: Buffer) => {
      fromClient.push(d);
      upstream.write(d);
    });
    upstream.on("data", (d: Buffer) => {
      fromServer.push(d);
      downstream.write(d);
    });
    downstream.on("end", () => upstream.end());
    upstream.on("end", () => downstream.end());
    for (const s of [downstream, upstream]) s.on("error", () => (s === upstream ? downstream : upstream).destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({
        port: typeof address === "object" && address ? address.port : 0,
        fromClient,
        fromServer,
        close() {
          for (const s of sockets) s.destroy();
          server.close();
        },
      });
    }),
  );
}

const crlf = (text: string) => Buffer.from(text.replace(/\r?\n/g, "\r\n"), "utf8");

function message(subject: string, to: string, body: string): Buffer {
  return crlf(
    `From: Alice <alice@remote.test>\nTo: ${to}\nSubject: ${subject}\nDate: Thu, 26 Nov 2026 10:00:00 +0000\nMessage-ID: <${subject.replace(/\W+/g, ".")}@remote.test>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${body}`,
  );
}

describe("a real Postfix relaying to our server", () => {
  let t: SmtpTestServer;
  let tlsRelay: PostfixInstance;
  let plainRelay: PostfixInstance;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;

  beforeAll(async () => {
    t = await startSmtpServer();
    proxy = await recordingProxy(t.port);
    [tlsRelay, plainRelay] = await Promise.all([
      startPostfix({ mode: "relay", relayPort: t.port, hostname: "relay-tls.test" }),
      // Postfix's SMTP client has no option to send BDAT; plain text lets the proxy see what it does send.
      startPostfix({ mode: "relay", relayPort: proxy.port, hostname: "relay-plain.test", extra: { smtp_tls_security_level: "none" } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([tlsRelay?.stop(), plainRelay?.stop()]);
    proxy?.close();
    await t?.cleanup();
  });

  it("relays messages from nodemailer and smtplib over STARTTLS into bob's and the team's INBOX, unchanged", async () => {
    const plainText = message("via postfix with nodemailer", "bob@example.test", "Hello through a real MTA.\n.leading dot\n..\nend\n");
    const eightBit = message("via postfix with smtplib 8bit", "team@example.test", "Grüße — ½ €\n.\nlast line\n");
    const attachment = Buffer.alloc(300 * 1024);
    for (let i = 0; i < attachment.length; i++) attachment[i] = (i * 7) % 256;

    const transport = nodemailerTransport(tlsRelay.port, { ignoreTLS: true, name: "submitter.example.net" });
    await transport.sendMail({ envelope: { from: "alice@remote.test", to: ["bob@example.test"] }, raw: plainText });
    const withAttachment = await transport.sendMail({
      from: "alice@remote.test",
      to: "bob@example.test",
      subject: "via postfix with an attachment",
      text: "see attached",
      attachments: [{ filename: "bytes.bin", content: attachment }],
    });
    transport.close();
    expect(withAttachment.accepted).toEqual(["bob@example.test"]);
    const result = await smtplibSend({ port: tlsRelay.port, from: "alice@remote.test", to: ["team@example.test"], message: eightBit, mail_options: ["BODY=8BITMIME"] });
    expect(result).toEqual({ refused: {} });

    await tlsRelay.waitForQueueEmpty(20_000);
    const maillog = readFileSync(tlsRelay.maillog, "utf8");
    expect(maillog.match(/status=sent \(250 2\.0\.0 /g) ?? []).toHaveLength(3);
    expect(maillog).not.toMatch(/status=(deferred|bounced)/);

    const bob = await t.messages("bob@example.test");
    const bySubject = (subject: string) => bob.find((m) => headerOf(m.raw, "Subject") === subject);
    for (const [subject, original] of [
      ["via postfix with nodemailer", plainText],
      ["via postfix with smtplib 8bit", eightBit],
    ] as const) {
      const stored = bySubject(subject);
      expect(stored, subject).toBeDefined();
      const trace = splitTrace(stored!.raw);
      // Our Received: Postfix came over STARTTLS with EHLO.
      expect(trace.received).toMatch(/^from relay-tls\.test \(\[127\.0\.0\.1\]\) \(using TLSv1\.[23] with cipher \S+\) by mx\.example\.test with ESMTPS id /);
      expect(trace.returnPath).toBe("<alice@remote.test>");
      // Postfix's own Received comes next; after it, the message exactly as submitted.
      const received = headersOf(trace.message, "Received");
      expect(received[0]).toMatch(/ by relay-tls\.test \(Postfix\) with E?SMTP id /);
      expect(trace.message.subarray(trace.message.length - original.length).equals(original)).toBe(true);
      expect(stored!.envelope).toMatchObject({ tls: true, helo: "relay-tls.test", from: "alice@remote.test" });
    }
    expect(bySubject("via postfix with smtplib 8bit")!.envelope).toMatchObject({ body: "8BITMIME", rcpt: "team@example.test" });
    // The attachment survived the hop (base64, decoded here).
    const withBytes = bySubject("via postfix with an attachment");
    expect(withBytes).toBeDefined();
    const base64 = /Content-Disposition: attachment; filename=bytes\.bin\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(withBytes!.raw.toString("latin1"));
    expect(base64).not.toBeNull();
    expect(Buffer.from(base64![1].replace(/\r\n/g, ""), "base64").equals(attachment)).toBe(true);

    // The alias: carol got her one copy too.
    const carol = await t.inbox("carol@example.test");
    expect(carol.map((m) => headerOf(m, "Subject"))).toEqual(["via postfix with smtplib 8bit"]);
    // One "stored" log line per transaction.
    expect(t.logs.filter((l) => /stored from=<alice@remote\.test>/.test(l))).toHaveLength(3);
  });

  it("relays in plain text with DATA (Postfix's client never sends BDAT) and our Received says ESMTP", async () => {
    const original = message("via plain postfix", "bob@example.test", "no tls on this hop\n");
    const transport = nodemailerTransport(plainRelay.port, { ignoreTLS: true });
    await transport.sendMail({ envelope: { from: "alice@remote.test", to: ["bob@example.test"] }, raw: original });
    transport.close();
    await plainRelay.waitForQueueEmpty(20_000);

    const stored = (await t.messages("bob@example.test")).find((m) => headerOf(m.raw, "Subject") === "via plain postfix");
    expect(stored).toBeDefined();
    const trace = splitTrace(stored!.raw);
    expect(trace.received).toMatch(/^from relay-plain\.test \(\[127\.0\.0\.1\]\) by mx\.example\.test with ESMTP id \S+ for <bob@example\.test>;/);
    expect(trace.message.subarray(trace.message.length - original.length).equals(original)).toBe(true);

    const serverSaid = Buffer.concat(proxy.fromServer).toString("latin1");
    expect(serverSaid).toMatch(/^250[ -]CHUNKING\r$/m);
    const commands = Buffer.concat(proxy.fromClient)
      .toString("latin1")
      .split("\r\n")
      .map((line) => line.split(" ")[0].toUpperCase())
      .filter((verb) => ["EHLO", "HELO", "MAIL", "RCPT", "DATA", "BDAT", "QUIT", "STARTTLS"].includes(verb));
    expect(commands).toEqual(expect.arrayContaining(["EHLO", "MAIL", "RCPT", "DATA"]));
    expect(commands).not.toContain("BDAT");
    expect(commands).not.toContain("STARTTLS");
  });
});
