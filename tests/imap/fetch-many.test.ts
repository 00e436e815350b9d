// FETCH over more messages than it reads content for at once (commands/fetch.ts reads envelopes
// and structures a window at a time) and over several UID ranges with expunged gaps: every
// message answered once, in order, with its own envelope.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crlf, startImapServer, type ImapTestServer, type TestAccount } from "../helpers/imap";

const COUNT = 700;

describe("FETCH of many messages", () => {
  let t: ImapTestServer;
  let account: TestAccount;

  beforeAll(async () => {
    t = await startImapServer();
    account = await t.account();
    const raw = (n: number) => crlf(`From: s${n}@example.test\nSubject: number ${n}\nMessage-ID: <${n}@many>\n\nbody ${n}\n`);
    // Every tenth one \Deleted and expunged: UIDs with gaps, so sequence numbers and UIDs differ.
    for (let n = 1; n <= COUNT; n++) await t.put(account, raw(n), { flags: n % 10 === 0 ? ["\\Deleted"] : [] });
    await t.expunge(account);
  }, 120_000);
  afterAll(async () => t?.cleanup());

  const subjectOf = (line: string) => /"number (\d+)"/.exec(line)?.[1];

  it("answers FETCH 1:* (UID ENVELOPE) for every message in order, each with its own envelope", async () => {
    const client = await t.selected(account);
    const lines = (await client.ok("FETCH 1:* (UID ENVELOPE)", 30_000)).untagged;
    const expected = Array.from({ length: COUNT }, (_, i) => i + 1).filter((n) => n % 10 !== 0);
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, i) => {
      expect(line.startsWith(`* ${i + 1} FETCH (UID ${expected[i]} ENVELOPE (`), line.slice(0, 60)).toBe(true);
      expect(subjectOf(line)).toBe(String(expected[i]));
    });
    await client.logout();
  });

  it("answers UID FETCH over several ranges across window boundaries, naming only existing UIDs", async () => {
    const client = await t.selected(account);
    const lines = (await client.ok("UID FETCH 5:260,300,498:530,690:* (BODYSTRUCTURE ENVELOPE FLAGS)", 30_000)).untagged;
    const wanted = [...range(5, 260), 300, ...range(498, 530), ...range(690, COUNT)].filter((n) => n % 10 !== 0);
    expect(lines.map(subjectOf)).toEqual(wanted.map(String));
    expect(lines.every((line) => line.includes("BODYSTRUCTURE (") && line.includes("FLAGS ("))).toBe(true);
    await client.logout();
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
