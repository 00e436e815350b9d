// Our outbound SMTP client against remote servers that misbehave: scripted fake servers on
// loopback (tests/helpers/outbound.ts startFakePeer), one per destination domain, reached
// through OUTBOUND_ROUTES. Every case must end in a defined state (delivered, deferred and
// then delivered once the peer behaves, or bounced with the right status), no recipient may
// stay claimed ("sending"), and the process must survive all of it (Vitest fails the run on
// an uncaught exception). All the mail is queued up front so the slow cases (timeouts) overlap.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SmtpTimeouts } from "@/lib/mail-server/queue/smtp-client";
import { claimedRecipients, enqueue, startDomainServer, startFakePeer, waitForLog, waitForReport, type DomainServer, type FakePeer, type FakePeerScript } from "../helpers/outbound";
import { waitFor } from "../helpers/smtp";

/** Shorter still than TEST_TIMEOUTS: the stalling peers cost a second each. */
const TIMEOUTS: SmtpTimeouts = { connect: 1000, greeting: 1000, command: 1000, dataInit: 1000, dataTermination: 1500 };

const message = (subject: string, body = "Hello.\r\n") =>
  Buffer.from(`From: alice@a.test\r\nTo: someone@remote.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@a.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`, "utf8");

/** Misbehaves on the first connection(s) only, then answers like a normal server. */
const firstTimes = (times: number, action: FakePeerScript["greeting"]) => (session: Parameters<NonNullable<FakePeerScript["greeting"]>>[0]) => (session.index < times ? action!(session) : "220 fake.test ESMTP");

const SCRIPTS = {
  greet554: { greeting: () => "554 5.7.1 no mail from you" },
  greet421: { greeting: firstTimes(1, () => "421 4.3.2 too busy, come back later") },
  dropMidData: { midData: (s) => (s.index === 0 ? "close" : undefined) },
  garbage: { command: (line, s) => (s.index === 0 && line.startsWith("EHLO") ? "HELLO THERE, I AM NOT AN SMTP SERVER" : undefined) },
  stallAfterData: { endOfData: (s) => (s.index === 0 ? "stall" : undefined) },
  // Silent at the greeting, then a connection closed at once, then fine.
  silent: { greeting: (s) => (s.index === 0 ? "stall" : s.index === 1 ? "close" : "220 fake.test ESMTP") },
  brokenTls: { extensions: ["STARTTLS", "PIPELINING", "8BITMIME"], command: (line) => (line === "STARTTLS" ? "break-tls" : undefined) },
  // A reply slipped in before the handshake must not be read as the answer to the EHLO after it.
  tlsInjected: { extensions: ["STARTTLS", "PIPELINING", "8BITMIME"], command: (line) => (line === "STARTTLS" ? ["start-tls", "250 2.0.0 injected in the clear"] : undefined) },
  ehlo421: { command: (line, s) => (s.index === 0 && line.startsWith("EHLO") ? "421 4.7.0 try again later" : undefined) },
  noEhlo: { command: (line) => (line.startsWith("EHLO") ? "500 5.5.1 command not recognized" : undefined) },
  smallSize: { extensions: ["PIPELINING", "8BITMIME", "SIZE 1000"] },
  no8bit: { extensions: ["PIPELINING", "SIZE 100000"] },
  pipelined: { extensions: ["PIPELINING", "8BITMIME"], command: (line) => (line.startsWith("RCPT TO:<nobody@") ? "550 5.1.1 no such user" : undefined) },
  // The client has stopped reading by then: the reset must not surface as an uncaught error.
  resetAfterQuit: { command: (line) => (line === "QUIT" ? "reset" : undefined) },
  unpipelined: { extensions: ["8BITMIME"], command: (line) => (line.startsWith("RCPT TO:<nobody@") ? "550 5.1.1 no such user" : undefined) },
} satisfies Record<string, FakePeerScript>;

type Case = keyof typeof SCRIPTS;
const domainOf = (name: Case) => `${name.toLowerCase()}.test`;

describe("outbound delivery to hostile and quirky peers", () => {
  let a: DomainServer;
  const peers = {} as Record<Case, FakePeer>;

  beforeAll(async () => {
    for (const name of Object.keys(SCRIPTS) as Case[]) peers[name] = await startFakePeer(SCRIPTS[name]);
    const routes = (Object.keys(SCRIPTS) as Case[]).map((name) => `${domainOf(name)}=${peers[name].route}`).join(",");
    a = await startDomainServer("a.test", { env: { OUTBOUND_ROUTES: routes, QUEUE_RETRY_DELAYS: "200ms" }, timeouts: TIMEOUTS });
    await a.user("alice");
    const to = (name: Case, ...locals: string[]) => (locals.length ? locals : ["user"]).map((local) => `${local}@${domainOf(name)}`);
    for (const name of ["greet554", "greet421", "dropMidData", "garbage", "stallAfterData", "silent", "brokenTls", "tlsInjected", "ehlo421", "noEhlo"] as const) {
      await enqueue(a, "alice@a.test", to(name), message(name, "A line.\r\n.A line with a leading dot.\r\nLast line.\r\n"));
    }
    await enqueue(a, "alice@a.test", to("resetAfterQuit"), message("resetAfterQuit"));
    await enqueue(a, "alice@a.test", to("smallSize"), message("smallSize", "x".repeat(3000) + "\r\n"));
    await enqueue(a, "alice@a.test", to("no8bit"), message("no8bit", "Grüße aus a.test\r\n"), "8BITMIME");
    await enqueue(a, "alice@a.test", to("pipelined", "one", "nobody", "two"), message("pipelined"));
    await enqueue(a, "alice@a.test", to("unpipelined", "one", "nobody", "two"), message("unpipelined"));
  });
  afterAll(async () => {
    await a?.cleanup();
    await Promise.all(Object.values(peers).map((peer) => peer.close()));
  });

  const delivered = (name: Case, local = "user") => waitForLog(a, new RegExp(`<${local}@${domainOf(name)}> delivered via ${peers[name].route.replace(/\./g, "\\.")}: 250 `), 15_000);
  const deferred = (name: Case, why: RegExp) => waitForLog(a, new RegExp(`<user@${domainOf(name)}> queued.*${why.source}`), 15_000);
  const failed = (name: Case, local = "user") => waitForLog(a, new RegExp(`<${local}@${domainOf(name)}> failed`), 15_000);
  const sawData = (name: Case) => peers[name].commands().some((c) => /^DATA$/i.test(c));

  it("bounces when the only server greets with 554, and says QUIT to it", async () => {
    await failed("greet554");
    const report = await waitForReport(a, "alice@a.test", "user@greet554.test");
    expect(report).toContain("Status: 5.7.1");
    expect(report).toMatch(/Diagnostic-Code: smtp; 554 5\.7\.1 no mail from you/);
    expect(peers.greet554.commands()).toEqual(["QUIT"]);
  });

  it("defers on a 421 greeting, then delivers when the server takes mail", async () => {
    await deferred("greet421", /421 4\.3\.2 too busy/);
    await delivered("greet421");
    expect(peers.greet421.sessions[0].commands).toEqual(["QUIT"]);
    expect(peers.greet421.sessions.at(-1)!.messages).toHaveLength(1);
  });

  it("defers when the connection drops in the middle of DATA, and delivers the whole message on the next attempt", async () => {
    await deferred("dropMidData", /connection closed by the remote server/);
    await delivered("dropMidData");
    const [first, ...rest] = peers.dropMidData.sessions;
    expect(first.commands).toContain("DATA");
    expect(first.messages).toEqual([]);
    const received = rest.flatMap((s) => s.messages);
    expect(received).toHaveLength(1);
    // Dot-stuffed on the wire.
    expect(received[0]).toContain("A line.\r\n..A line with a leading dot.\r\nLast line.\r\n");
  });

  it("defers on a reply that is not SMTP, without crashing, then delivers", async () => {
    await deferred("garbage", /garbled reply from the remote server: HELLO THERE/);
    await delivered("garbage");
  });

  it("times out a server that never answers the end of data, defers, then delivers", async () => {
    await deferred("stallAfterData", /timeout waiting for the remote server's answer to the end of data/);
    await delivered("stallAfterData");
    // The stalled attempt may have left a copy at the remote (RFC 5321 §6.1: the known duplicate window).
    expect(peers.stallAfterData.sessions.flatMap((s) => s.messages).length).toBeGreaterThanOrEqual(2);
  });

  it("times out a server that never greets, defers a connection closed at once, then delivers", async () => {
    await deferred("silent", /timeout waiting for the remote server's answer to the greeting/);
    await deferred("silent", /connection closed by the remote server/);
    await delivered("silent");
  });

  it("retries in the clear on the same host when the STARTTLS handshake fails", async () => {
    await delivered("brokenTls");
    const [tlsAttempt, plain] = peers.brokenTls.sessions;
    expect(tlsAttempt.commands.at(-1)).toBe("STARTTLS");
    expect(plain.commands).not.toContain("STARTTLS");
    expect(plain.messages).toHaveLength(1);
    expect(peers.brokenTls.sessions).toHaveLength(2);
  });

  it("discards replies injected before the TLS handshake, and pipelines on what the EHLO over TLS offered", async () => {
    await delivered("tlsInjected");
    const [session] = peers.tlsInjected.sessions;
    expect(session.commands.filter((c) => c.startsWith("EHLO"))).toHaveLength(2);
    expect(session.packets.find((p) => p.startsWith("MAIL FROM:"))).toMatch(/^MAIL FROM:<alice@a\.test>\r\nRCPT TO:<user@tlsinjected\.test>\r\nDATA\r\n$/);
    expect(session.messages).toHaveLength(1);
    expect(peers.tlsInjected.sessions).toHaveLength(1);
  });

  it("defers on EHLO answered with 421 without trying HELO, then delivers", async () => {
    await deferred("ehlo421", /421 4\.7\.0 try again later/);
    await delivered("ehlo421");
    expect(peers.ehlo421.sessions[0].commands).toEqual(["EHLO mx.a.test", "QUIT"]);
  });

  it("falls back to HELO when EHLO is refused, and then sends one command at a time", async () => {
    await delivered("noEhlo");
    const [session] = peers.noEhlo.sessions;
    expect(session.commands.map((c) => c.split(/[ :]/)[0])).toEqual(["EHLO", "HELO", "MAIL", "RCPT", "DATA", "QUIT"]);
    // Without EHLO there are no extensions: no SIZE, no BODY parameter.
    expect(session.commands[2]).toBe("MAIL FROM:<alice@a.test>");
  });

  it("bounces a message larger than the advertised SIZE with 5.3.4, without sending it", async () => {
    await failed("smallSize");
    const report = await waitForReport(a, "alice@a.test", "user@smallsize.test");
    expect(report).toContain("Status: 5.3.4");
    expect(peers.smallSize.commands()).toEqual(["EHLO mx.a.test", "QUIT"]);
    expect(sawData("smallSize")).toBe(false);
  });

  it("bounces 8-bit content with 5.6.3 when the server lacks 8BITMIME (RFC 6152: no downgrade of a message that may be signed)", async () => {
    await failed("no8bit");
    const report = await waitForReport(a, "alice@a.test", "user@no8bit.test");
    expect(report).toContain("Status: 5.6.3");
    expect(sawData("no8bit")).toBe(false);
  });

  it("pipelines MAIL, RCPT and DATA in one packet, and delivers to the accepted recipients while bouncing the refused one", async () => {
    await delivered("pipelined", "one");
    await delivered("pipelined", "two");
    await failed("pipelined", "nobody");
    const [session] = peers.pipelined.sessions;
    const envelope = session.packets.find((p) => p.startsWith("MAIL FROM:"));
    expect(envelope).toBe("MAIL FROM:<alice@a.test>\r\nRCPT TO:<one@pipelined.test>\r\nRCPT TO:<nobody@pipelined.test>\r\nRCPT TO:<two@pipelined.test>\r\nDATA\r\n");
    expect(session.messages).toHaveLength(1);
    const report = await waitForReport(a, "alice@a.test", "nobody@pipelined.test");
    expect(report).toContain("Status: 5.1.1");
    expect(report).not.toContain("Final-Recipient: rfc822; one@pipelined.test");
  });

  it("without PIPELINING sends each command in its own packet, and still splits the recipients' outcomes", async () => {
    await delivered("unpipelined", "one");
    await delivered("unpipelined", "two");
    await failed("unpipelined", "nobody");
    const [session] = peers.unpipelined.sessions;
    const envelopePackets = session.packets.filter((p) => /^(MAIL|RCPT|DATA)/.test(p));
    expect(envelopePackets).toEqual(["MAIL FROM:<alice@a.test>\r\n", "RCPT TO:<one@unpipelined.test>\r\n", "RCPT TO:<nobody@unpipelined.test>\r\n", "RCPT TO:<two@unpipelined.test>\r\n", "DATA\r\n"]);
  });

  it("survives a server that resets the connection when told QUIT", async () => {
    await delivered("resetAfterQuit");
    // The client keeps a closed connection around for a moment after QUIT; the reset lands then.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(peers.resetAfterQuit.commands().at(-1)).toBe("QUIT");
  });

  it("ends with nothing claimed and nothing left in the queue", async () => {
    await waitFor(async () => (await a.server.queue.store.list()).length === 0, 15_000, "the queue to empty");
    expect(await claimedRecipients(a)).toEqual([]);
    expect(a.logs.filter((l) => /attempt failed/.test(l))).toEqual([]);
  });
});
