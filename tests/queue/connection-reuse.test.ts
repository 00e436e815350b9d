// Connection reuse in the outbound queue: with more mail for a destination waiting than its
// concurrency allows, a finished transaction leaves its session open and the next message starts
// with MAIL FROM on it (Postfix's connection cache on demand). Each message still arrives exactly
// once, a lone message still says QUIT at once (hostile-peers.test.ts), idle sessions are told
// QUIT, and a session the server dropped while idle costs a new connection, not a message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDomainServer, startFakePeer, waitForLog, type DomainServer, type FakePeer } from "../helpers/outbound";
import { waitFor } from "../helpers/smtp";

const MESSAGES = 8;
const message = (subject: string) => Buffer.from(`From: alice@a.test\r\nTo: user@remote.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@a.test>\r\n\r\nHello.\r\n`, "latin1");
const subjects = (peer: FakePeer) => peer.sessions.flatMap((s) => s.messages.map((m) => /^Subject: (.*)$/m.exec(m)?.[1]));

describe("outbound connection reuse", () => {
  let a: DomainServer;
  let steady: FakePeer;
  let dropper: FakePeer;

  beforeAll(async () => {
    steady = await startFakePeer();
    // Drops the connection when a second transaction begins on it, as a server does that timed the idle session out.
    dropper = await startFakePeer({ command: (line, session) => (line.startsWith("MAIL") && session.messages.length >= 1 ? "close" : undefined) });
    a = await startDomainServer("a.test", { env: { OUTBOUND_ROUTES: `steady.test=${steady.route},dropper.test=${dropper.route}`, QUEUE_MAX_PER_DOMAIN: "2" } });
    // Straight into the store, then one wake: the whole load is waiting before the first attempt.
    for (const domain of ["steady", "dropper"]) {
      for (let i = 0; i < MESSAGES; i++) {
        await a.server.queue.store.enqueue({ raw: message(`${domain}-${i}`), sender: "alice@a.test", envid: null, ret: null, body: "7BIT", smtputf8: false, accountId: null, messageId: "", recipients: [{ address: `user${i}@${domain}.test`, notify: null, orcpt: null }] });
      }
    }
    a.server.queue.wake();
  });
  afterAll(async () => {
    await a?.cleanup();
    await Promise.all([steady?.close(), dropper?.close()]);
  });

  it("sends several messages per connection while more are waiting, each once, greeting once per connection", async () => {
    for (let i = 0; i < MESSAGES; i++) await waitForLog(a, new RegExp(`<user${i}@steady\\.test> delivered`));
    expect(subjects(steady).sort()).toEqual(Array.from({ length: MESSAGES }, (_, i) => `steady-${i}`).sort());
    expect(steady.sessions.length).toBeLessThan(MESSAGES);
    for (const session of steady.sessions) expect(session.commands.filter((c) => c.startsWith("EHLO"))).toHaveLength(1);
    // Nothing is left open: the last transaction, or the idle timer, says QUIT on every session.
    await waitFor(() => steady.sessions.every((s) => s.commands.at(-1) === "QUIT"), 5000, "QUIT on every session");
  });

  it("runs the transaction again on a new connection when a kept session was dropped, without losing or repeating a message", async () => {
    for (let i = 0; i < MESSAGES; i++) await waitForLog(a, new RegExp(`<user${i}@dropper\\.test> delivered`));
    expect(subjects(dropper).sort()).toEqual(Array.from({ length: MESSAGES }, (_, i) => `dropper-${i}`).sort());
    // The drop did happen: a kept session got a MAIL FROM that never became a message.
    expect(dropper.sessions.some((s) => s.commands.filter((c) => c.startsWith("MAIL")).length > s.messages.length)).toBe(true);
    expect(a.logs.filter((line) => /dropper\.test> queued/.test(line))).toEqual([]);
  });
});
