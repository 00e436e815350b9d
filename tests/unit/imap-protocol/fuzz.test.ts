// Seeded fuzz of the IMAP protocol layer: random bytes, mutated real commands and token soup
// must only ever produce a result or an ImapSyntaxError, quickly; the reader over random
// scripts must always finish with a command, a refusal or null; and inputs built to be slow
// (64 KiB of one special character) stay fast. Seeds and case numbers name any failure.
import { describe, expect, it } from "vitest";
import { isReadError, readCommand, type ReadLimits } from "@/lib/mail-server/imap/protocol/reader";
import { parseSequenceSet } from "@/lib/mail-server/imap/protocol/sequence";
import { ImapSyntaxError, tokenize, type ImapToken } from "@/lib/mail-server/imap/protocol/tokens";
import { decodeMailboxName } from "@/lib/mail-server/imap/protocol/utf7";
import { seeded, type Random } from "../helpers/random";
import { ScriptedClient } from "./helpers";

const SEEDS = [1, 3501, 7888];
const CASES_PER_SEED = 700;

const VALID = [
  "A1 LOGIN bob secret",
  'a2 SELECT "INBOX"',
  "A3 FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (From \"To\")]<0.100> UID)",
  "A4 UID STORE 1,3:5 +FLAGS.SILENT (\\Seen \\Deleted)",
  "A5 APPEND INBOX (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {5}\r\nhello",
  "A6 LOGIN {3+}\r\nbob {6}\r\nsecret",
  "A7 SEARCH CHARSET UTF-8 SUBJECT {6}\r\n\xe5\x8f\xb0\xe5\x8c\x97 SINCE 1-Feb-1994",
  "A8 LIST \"\" \"%\" RETURN (CHILDREN SUBSCRIBED)",
  "A9 ID (\"name\" \"x\" \"version\" NIL)",
  "B1 APPEND INBOX ~{3}\r\na\0b",
  "B2 FETCH 1 BINARY.PEEK[1.2]<0.10>",
  "B3 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541))",
];

const FRAGMENTS = ["(", ")", "[", "]", "<", ">", "{", "}", "\"", "\\", " ", "\r\n", "\r", "\n", "\0", "~", "+", "*", "%", "NIL", "BODY[", "BODY.PEEK[", "]<0.1>", "{3}\r\n", "{0+}\r\n", "~{2}\r\n", "\xff", "\xc3\xa9", "A1", "FETCH", "UID", "1:*", "\\Seen"];

const bytes = (text: string) => Buffer.from(text, "latin1");

function randomBytes(random: Random): Buffer {
  const out = Buffer.alloc(random.int(80));
  for (let i = 0; i < out.length; i++) out[i] = random.bool(0.7) ? random.between(0x20, 0x7e) : random.int(256);
  return out;
}

function mutated(random: Random): Buffer {
  const source = [...bytes(random.pick(VALID))];
  for (let n = random.between(1, 4); n > 0; n--) {
    const at = random.int(source.length + 1);
    const op = random.int(3);
    const insert = [...bytes(random.pick(FRAGMENTS))];
    if (op === 0) source.splice(at, 0, ...insert);
    else if (op === 1) source.splice(at, random.between(1, 5));
    else source.splice(at, insert.length, ...insert);
  }
  return Buffer.from(source);
}

function soup(random: Random): Buffer {
  let text = random.bool(0.8) ? `${random.pick(["A1", "x", "*", "+", ""])} ${random.pick(["FETCH", "UID FETCH", "LOGIN", "X", ""])} ` : "";
  for (let n = random.int(25); n > 0; n--) text += random.pick(FRAGMENTS);
  return bytes(text);
}

/** Every token is one of the four kinds with the right value types, recursively. */
function wellFormed(token: ImapToken): boolean {
  switch (token.type) {
    case "atom":
      return typeof token.value === "string" && token.value.length > 0;
    case "string":
      return Buffer.isBuffer(token.value) && typeof token.literal === "boolean";
    case "list":
      return token.items.every(wellFormed);
    case "nil":
      return true;
  }
}

describe("tokenizer fuzz", () => {
  for (const seed of SEEDS) {
    it(`only returns commands or throws ImapSyntaxError, quickly (seed ${seed})`, () => {
      const random = seeded(seed);
      let parsed = 0;
      let refused = 0;
      const started = performance.now();
      for (let i = 0; i < CASES_PER_SEED; i++) {
        const kind = random.int(3);
        const input = kind === 0 ? randomBytes(random) : kind === 1 ? mutated(random) : soup(random);
        const options = { utf8: random.bool(), maxDepth: random.pick([2, 8, 32]) };
        const caseStart = performance.now();
        try {
          const command = tokenize(input, options);
          expect(command.command, `seed ${seed} case ${i}`).toMatch(/^[A-Z0-9._-]+( [A-Z0-9._-]+)?$/);
          expect(command.args.every(wellFormed), `seed ${seed} case ${i}`).toBe(true);
          parsed++;
        } catch (error) {
          // tokenize turns its own bugs into ImapSyntaxError too (a BAD, not a crash), with the bug as cause.
          if (!(error instanceof ImapSyntaxError) || error.cause !== undefined) {
            throw new Error(`seed ${seed} case ${i}: ${String(error)} (${String((error as Error).cause)}) for ${JSON.stringify(input.toString("latin1"))}`);
          }
          refused++;
        }
        expect(performance.now() - caseStart, `seed ${seed} case ${i}`).toBeLessThan(50);
      }
      // Both outcomes are exercised, or the generator is not testing much.
      expect(parsed).toBeGreaterThan(CASES_PER_SEED / 20);
      expect(refused).toBeGreaterThan(CASES_PER_SEED / 4);
      expect(performance.now() - started).toBeLessThan(2000);
    });
  }

  it("stays linear on 64 KiB of any one special character", () => {
    for (const fragment of ["(", ")", "[", "]", "\"", "\\", "{", "<", " ", "\\\\", "a[", "BODY[(", "{0}\r\n ", '"\\"', "~{", "NIL "]) {
      for (const prefix of ["A1 X ", "A1 FETCH 1 BODY[", "A1 X \"", ""]) {
        const input = bytes(prefix + fragment.repeat(Math.ceil(65536 / fragment.length)));
        const started = performance.now();
        try {
          tokenize(input);
        } catch (error) {
          expect(error).toBeInstanceOf(ImapSyntaxError);
          expect((error as ImapSyntaxError).cause).toBeUndefined();
        }
        expect(performance.now() - started, JSON.stringify(prefix + fragment)).toBeLessThan(200);
      }
    }
  });

  it("refuses sequence sets and mailbox names only with ImapSyntaxError", () => {
    const random = seeded(5182);
    const alphabet = ["1", "9", "0", ":", ",", "*", "$", "&", "-", "A", ",", "+", "/", "=", "é", " "];
    for (let i = 0; i < 600; i++) {
      const text = Array.from({ length: random.int(16) }, () => random.pick(alphabet)).join("");
      for (const fn of [() => parseSequenceSet(text), () => decodeMailboxName(text)]) {
        try {
          fn();
        } catch (error) {
          if (!(error instanceof ImapSyntaxError)) throw new Error(`case ${i}: ${String(error)} for ${JSON.stringify(text)}`);
        }
      }
    }
  });
});

describe("reader fuzz", () => {
  it("always ends with a command, a refusal or null, never an exception or a hang", async () => {
    const random = seeded(3516);
    const limits: ReadLimits = { maxLineLength: 64, maxLiteralSize: 32, maxCommandSize: 128, maxLiterals: 3, maxDiscard: 48 };
    const seen = { commands: 0, refusals: 0, closes: 0 };
    const headers = ["{5}", "{5+}", "~{3}", "{40+}", "{40}", "{0}", "{99999999999}", "{3-}", "\"{4}"];
    for (let i = 0; i < 300; i++) {
      let script = "";
      for (let n = random.between(1, 6); n > 0; n--) {
        script += random.bool(0.5) ? random.pick(VALID).split("\r\n")[0] : soup(random).toString("latin1");
        if (random.bool(0.5)) script += ` ${random.pick(headers)}`;
        script += "\r\n";
        if (random.bool(0.5)) script += "x".repeat(random.int(50));
      }
      // The client holds back what follows a synchronising marker until it gets "+".
      const segments = script.split(/(?<=\{\d+\}\r\n)/).map(bytes);
      const client = new ScriptedClient(segments);
      // Each call consumes at least one line or ends the script, so this many calls suffice.
      for (let calls = 0; calls < 200; calls++) {
        const outcome = await readCommand(client, limits, { utf8: random.bool() });
        if (outcome === null) break;
        if (!isReadError(outcome)) {
          seen.commands++;
          continue;
        }
        expect(outcome.error, `case ${i}`).toBeInstanceOf(ImapSyntaxError);
        expect(outcome.error.cause, `case ${i}`).toBeUndefined();
        seen.refusals++;
        if (outcome.close) {
          seen.closes++;
          break;
        }
      }
    }
    // Every outcome is exercised, or the scripts are not testing much.
    expect(seen.commands).toBeGreaterThan(50);
    expect(seen.refusals).toBeGreaterThan(50);
    expect(seen.closes).toBeGreaterThan(5);
  });
});
