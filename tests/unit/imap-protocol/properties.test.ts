// Property-based tests (fast-check) of the IMAP wire format: commands built from a model of
// the grammar (RFC 3501 §9, RFC 7888 LITERAL+, RFC 3516 literal8, RFC 6855 UTF-8 quoted) are
// written out and must come back from tokenize and readCommand as the same tokens; anything
// else, random or a valid command mutated, must give a result or an ImapSyntaxError and
// nothing else, quickly. Sequence sets and modified UTF-7 round-trip. Fixed seeds keep runs
// reproducible; a failure prints its seed and the shrunk counterexample.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { astring, list, string } from "@/lib/mail-server/imap/protocol/encoder";
import { isReadError, readCommand } from "@/lib/mail-server/imap/protocol/reader";
import { expand, formatUidSet, MAX_UID, parseSequenceSet, type SeqBound } from "@/lib/mail-server/imap/protocol/sequence";
import { asAString, ImapSyntaxError, tokenize, type ImapCommand } from "@/lib/mail-server/imap/protocol/tokens";
import { decodeMailboxName, encodeMailboxName } from "@/lib/mail-server/imap/protocol/utf7";
import { plain, ScriptedClient, type Plain } from "./helpers";

const RUNS = { numRuns: 300, seed: 3501 };

/** One argument as it goes on the wire (segments split where a sync literal waits for "+") and the tokens it must read as. */
interface Arg {
  wire: Buffer[];
  plain: Plain;
}

/** No lone surrogate (String.prototype.isWellFormed, which the project's ES lib target lacks). */
const isWellFormed = (text: string) => !/\p{Surrogate}/u.test(text);

const ascii = (text: string) => Buffer.from(text, "latin1");
const chars = (from: number, to: number, except = "") =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i)).filter((c) => !except.includes(c));

/** ATOM-CHAR as the tokenizer reads it, without "[" so no atom is taken for a BODY[ section. */
const ATOM_CHARS = chars(0x21, 0x7e, '(){"\\[');
const TAG_CHARS = chars(0x21, 0x7e, '(){"\\%*+');

const atomText = fc.string({ unit: fc.constantFrom(...ATOM_CHARS), minLength: 1, maxLength: 12 }).filter((a) => a.toUpperCase() !== "NIL");

const atom: fc.Arbitrary<Arg> = fc.oneof(
  atomText.map((a) => ({ wire: [ascii(a)], plain: a })),
  // System flags and keywords: a leading backslash.
  atomText.map((a) => ({ wire: [ascii(`\\${a}`)], plain: `\\${a}` })),
);

const nil: fc.Arbitrary<Arg> = fc.constantFrom("NIL", "nil", "Nil").map((n) => ({ wire: [ascii(n)], plain: null }));

/** TEXT-CHAR without CR and LF; a quoted string escapes only DQUOTE and backslash. */
const quotedAscii = fc.string({ unit: fc.constantFrom(...chars(0x01, 0x7f, "\r\n")), maxLength: 20 });

function quote(bytes: Buffer): Buffer {
  return Buffer.concat([ascii('"'), ascii(bytes.toString("latin1").replace(/["\\]/g, "\\$&")), ascii('"')]);
}

const quoted: fc.Arbitrary<Arg> = quotedAscii.map((text) => ({ wire: [quote(ascii(text))], plain: { q: text } }));

/** With UTF8=ACCEPT, a quoted string may hold any UTF-8 but CR, LF and NUL. */
const quotedUtf8: fc.Arbitrary<Arg> = fc
  .string({ unit: "binary", maxLength: 12 })
  .filter((s) => isWellFormed(s) && !/[\r\n\0]/.test(s))
  .map((text) => {
    const bytes = Buffer.from(text, "utf8");
    return { wire: [quote(bytes)], plain: { q: bytes.toString("latin1") } };
  });

/** {n} waits for "+", {n+} doesn't (LITERAL+); literal8 ~{n} may hold NUL. */
const literal: fc.Arbitrary<Arg> = fc
  .record({ data: fc.uint8Array({ maxLength: 40 }), kind: fc.constantFrom("sync", "plus", "binary", "binary-plus") })
  .map(({ data, kind }) => {
    const binary = kind.startsWith("binary");
    const bytes = Buffer.from(binary ? data : data.map((b) => b || 1));
    const head = ascii(`${binary ? "~" : ""}{${bytes.length}${kind.endsWith("plus") ? "+" : ""}}\r\n`);
    const expected: Plain = binary ? { lit: bytes.toString("latin1"), binary: true } : { lit: bytes.toString("latin1") };
    // A synchronising literal's data is a new segment: the client sends it after the "+".
    return { wire: kind === "sync" || kind === "binary" ? [head, bytes] : [Buffer.concat([head, bytes])], plain: expected };
  });

const nzNumber = fc.integer({ min: 1, max: MAX_UID });
const seqBound: fc.Arbitrary<SeqBound> = fc.oneof({ weight: 5, arbitrary: nzNumber }, { weight: 1, arbitrary: fc.constant("*" as const) });
const seqRange = fc.tuple(seqBound, seqBound, fc.boolean()).map(([from, to, single]) => (single ? { from, to: from } : { from, to }));
const seqRanges = fc.array(seqRange, { minLength: 1, maxLength: 8 });
const formatRanges = (ranges: Array<{ from: SeqBound; to: SeqBound }>) => ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}:${r.to}`)).join(",");

const sequenceSet: fc.Arbitrary<Arg> = seqRanges.map((ranges) => {
  const text = formatRanges(ranges);
  return { wire: [ascii(text)], plain: text };
});

/** A header field name in a section: an atom, a quoted string (kept as written) or a literal (rewritten as quoted). */
const fieldName = fc.oneof(
  fc.string({ unit: fc.constantFrom(...chars(0x21, 0x7e, '(){"\\[]%*:')), minLength: 1, maxLength: 10 }).map((n) => ({ wire: [ascii(n)], text: n })),
  fc.string({ unit: fc.constantFrom(...chars(0x20, 0x7e, ":")), minLength: 1, maxLength: 10 }).map((n) => ({ wire: [quote(ascii(n))], text: quote(ascii(n)).toString("latin1") })),
  fc.tuple(fc.string({ unit: fc.constantFrom(...chars(0x20, 0x7e, ":")), minLength: 1, maxLength: 10 }), fc.boolean()).map(([n, plus]) => ({
    wire: plus ? [ascii(`{${n.length}+}\r\n${n}`)] : [ascii(`{${n.length}}\r\n`), ascii(n)],
    text: quote(ascii(n)).toString("latin1"),
  })),
);

/** BODY[…]<…> and friends: one token holding the section as written. */
const section: fc.Arbitrary<Arg> = fc
  .record({
    prefix: fc.constantFrom("BODY", "BODY.PEEK", "body.peek", "BINARY", "BINARY.PEEK", "BINARY.SIZE"),
    path: fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 4 }),
    text: fc.constantFrom("", "HEADER", "TEXT", "MIME", "HEADER.FIELDS", "HEADER.FIELDS.NOT"),
    fields: fc.array(fieldName, { minLength: 1, maxLength: 4 }),
    partial: fc.option(fc.tuple(fc.integer({ min: 0, max: 4_000_000_000 }), fc.option(fc.integer({ min: 1, max: 4_000_000_000 })))),
  })
  .map(({ prefix, path, text, fields, partial }) => {
    const spec = [...path.map(String), ...(text ? [text] : [])].join(".");
    const partialText = partial ? `<${partial[0]}${partial[1] === null ? "" : `.${partial[1]}`}>` : "";
    if (!text.startsWith("HEADER.FIELDS")) {
      const whole = `${prefix}[${spec}]${partialText}`;
      return { wire: [ascii(whole)], plain: whole };
    }
    // The field list's literals split the wire; the token holds them as quoted strings.
    const wire: Buffer[] = [ascii(`${prefix}[${spec} (`)];
    const join = (piece: Buffer) => {
      wire[wire.length - 1] = Buffer.concat([wire[wire.length - 1], piece]);
    };
    fields.forEach((field, i) => {
      if (i) join(ascii(" "));
      join(field.wire[0]);
      if (field.wire[1]) wire.push(field.wire[1]);
    });
    join(ascii(`)]${partialText}`));
    return { wire, plain: `${prefix}[${spec} (${fields.map((f) => f.text).join(" ")})]${partialText}` };
  });

function argument(utf8: boolean): fc.Arbitrary<Arg> {
  const { value } = fc.letrec<{ value: Arg; list: Arg }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      atom,
      nil,
      quoted,
      ...(utf8 ? [quotedUtf8] : []),
      literal,
      sequenceSet,
      section,
      tie("list"),
    ),
    list: fc.array(tie("value"), { maxLength: 4 }).map((items) => ({ wire: joinArgs("(", items, ")"), plain: items.map((i) => i.plain) })),
  }));
  return value;
}

/** Concatenates arguments with single spaces, keeping the segment breaks of sync literals. */
function joinArgs(open: string, items: Arg[], close: string): Buffer[] {
  const wire: Buffer[] = [ascii(open)];
  items.forEach((item, i) => {
    if (i) wire[wire.length - 1] = Buffer.concat([wire[wire.length - 1], ascii(" ")]);
    wire[wire.length - 1] = Buffer.concat([wire[wire.length - 1], item.wire[0]]);
    wire.push(...item.wire.slice(1));
  });
  wire[wire.length - 1] = Buffer.concat([wire[wire.length - 1], ascii(close)]);
  return wire;
}

interface BuiltCommand {
  wire: Buffer[];
  tag: string;
  command: string;
  args: Plain[];
}

const commandName = fc.oneof(
  fc.constantFrom("FETCH", "uid fetch", "Search", "APPEND", "UID STORE", "x-custom", "LIST"),
  fc.string({ unit: fc.constantFrom(..."ABCXYZabcxyz019-_."), minLength: 1, maxLength: 10 }).filter((n) => n.toUpperCase() !== "UID"),
);

function command(utf8: boolean): fc.Arbitrary<BuiltCommand> {
  return fc
    .record({
      tag: fc.string({ unit: fc.constantFrom(...TAG_CHARS), minLength: 1, maxLength: 8 }),
      name: commandName,
      args: fc.array(argument(utf8), { maxLength: 6 }),
    })
    .map(({ tag, name, args }) => ({
      wire: joinArgs(`${tag} ${name}${args.length ? " " : ""}`, args, ""),
      tag,
      command: name.toUpperCase().replace(/^UID /, "UID "),
      args: args.map((a) => a.plain),
    }));
}

function expectSame(result: ImapCommand, built: BuiltCommand) {
  expect(result.tag).toBe(built.tag);
  expect(result.command).toBe(built.command);
  expect(result.args.map(plain)).toEqual(built.args);
}

/** Throws unless fn returns or throws ImapSyntaxError, within ms. */
function onlySyntaxErrors(fn: () => unknown, ms = 250): void {
  const start = performance.now();
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ImapSyntaxError)) throw error;
  }
  expect(performance.now() - start).toBeLessThan(ms);
}

describe("IMAP commands round-trip: written from the grammar, read back as the same tokens", () => {
  it("tokenize", () => {
    fc.assert(
      fc.property(command(false), (built) => expectSame(tokenize(Buffer.concat(built.wire)), built)),
      RUNS,
    );
  });

  it("tokenize with UTF8=ACCEPT (RFC 6855 quoted UTF-8)", () => {
    fc.assert(
      fc.property(command(true), (built) => expectSame(tokenize(Buffer.concat(built.wire), { utf8: true }), built)),
      RUNS,
    );
  });

  it("readCommand, with a continuation before each synchronising literal and nothing else", async () => {
    // The generator must reach the interesting shapes, or the property proves little.
    const seen = { syncLiterals: 0, sections: 0, nestedLists: 0 };
    await fc.assert(
      fc.asyncProperty(command(false), async (built) => {
        if (built.wire.length > 1) seen.syncLiterals++;
        if (built.args.some((a) => typeof a === "string" && a.includes("["))) seen.sections++;
        if (built.args.some((a) => Array.isArray(a) && a.some(Array.isArray))) seen.nestedLists++;
        const client = new ScriptedClient([...built.wire.slice(0, -1), Buffer.concat([built.wire[built.wire.length - 1], ascii("\r\n")])]);
        const result = await readCommand(client);
        if (result === null || isReadError(result)) throw new Error(`not read back: ${JSON.stringify(result)}`);
        expectSame(result, built);
        expect(client.continuations).toBe(built.wire.length - 1);
        expect(client.unread).toBe("");
      }),
      RUNS,
    );
    expect(seen.syncLiterals).toBeGreaterThan(20);
    expect(seen.sections).toBeGreaterThan(20);
    expect(seen.nestedLists).toBeGreaterThan(5);
  });
});

describe("the response encoder's strings read back through the command tokenizer", () => {
  // Server and client strings share the grammar (RFC 3501 §9 string/astring), so what the
  // encoder writes must tokenize to the same bytes; NUL is left out, since CHAR8 excludes it.
  const data = fc.uint8Array({ maxLength: 1200 }).map((b) => Buffer.from(b.filter((x) => x !== 0)));

  it("string() and list() of strings", () => {
    fc.assert(
      fc.property(fc.array(data, { minLength: 1, maxLength: 4 }), (values) => {
        const wire = Buffer.concat([ascii("A1 X "), list(values.map((v) => string(v)))]);
        const [token] = tokenize(wire).args;
        expect(token.type === "list" && token.items.map((item) => (item.type === "string" ? item.value : item))).toEqual(values);
      }),
      RUNS,
    );
  });

  it("string() with UTF8=ACCEPT, and astring() of names", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", minLength: 1, maxLength: 40 }).filter((s) => isWellFormed(s) && !s.includes("\0")), (name) => {
        const [quotedToken] = tokenize(Buffer.concat([ascii("A1 X "), string(name, { utf8: true })]), { utf8: true }).args;
        expect(asAString(quotedToken)).toBe(name);
        const [nameToken] = tokenize(Buffer.concat([ascii("A1 SELECT "), astring(name)])).args;
        expect(asAString(nameToken)).toBe(name);
      }),
      RUNS,
    );
  });
});

describe("IMAP commands: anything else is a result or an ImapSyntaxError, quickly", () => {
  const mutation = fc.record({
    at: fc.nat(),
    remove: fc.nat({ max: 6 }),
    insert: fc.oneof(
      fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b)),
      fc.constantFrom("(", ")", "[", "]", "<", ">", "{", "}", '"', "\\", " ", "\r\n", "\0", "~{", "{5}\r\n", "{99999999999999999}", "NIL", "BODY[", "\xff").map(ascii),
    ),
  });

  it("tokenize of mutated valid commands", () => {
    fc.assert(
      fc.property(command(false), fc.array(mutation, { minLength: 1, maxLength: 5 }), fc.boolean(), (built, mutations, utf8) => {
        let bytes = Buffer.concat(built.wire);
        for (const { at, remove, insert } of mutations) {
          const where = at % (bytes.length + 1);
          bytes = Buffer.concat([bytes.subarray(0, where), insert, bytes.subarray(where + remove)]);
        }
        onlySyntaxErrors(() => tokenize(bytes, { utf8 }));
      }),
      RUNS,
    );
  });

  it("tokenize of arbitrary bytes, and of long runs of one special byte", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => onlySyntaxErrors(() => tokenize(Buffer.from(data)))),
      RUNS,
    );
    fc.assert(
      fc.property(fc.constantFrom(..."([{<\"\\~ ]*)"), fc.constantFrom("A1 FETCH 1 ", "A1 X ", "A1 FETCH 1 BODY", ""), (c, prefix) =>
        onlySyntaxErrors(() => tokenize(ascii(prefix + c.repeat(64 * 1024)))),
      ),
      { numRuns: 40, seed: 1 },
    );
  });

  it("readCommand over arbitrary scripts ends with a command, a refusal or null, never an exception", async () => {
    const segment = fc.oneof(fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b)), fc.constantFrom("A1 LOGIN {3}\r\n", "abc\r\n", "{2+}\r\nxy", "~{1}\r\n", "\r\n").map(ascii));
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 5 }), async (segments) => {
        const limits = { maxLineLength: 200, maxLiteralSize: 100, maxCommandSize: 400, maxLiterals: 3, maxDiscard: 200 };
        const result = await readCommand(new ScriptedClient(segments), limits);
        if (result !== null && isReadError(result)) expect(result.error).toBeInstanceOf(ImapSyntaxError);
      }),
      RUNS,
    );
  });
});

describe("sequence sets", () => {
  it("parse gives back the ranges they were written from", () => {
    fc.assert(
      fc.property(seqRanges, (ranges) => {
        expect(parseSequenceSet(formatRanges(ranges))).toEqual({ saved: false, ranges });
      }),
      RUNS,
    );
  });

  it("formatUidSet writes a set that names exactly its numbers", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 60 }), (numbers) => {
        const text = formatUidSet(numbers);
        expect(expand(parseSequenceSet(text), 5000, 10_000)).toEqual([...new Set(numbers)].sort((a, b) => a - b));
        // Compact: no two ranges touch, so it is the shortest list of ranges.
        const bounds = text.split(",").map((r) => r.split(":").map(Number));
        for (let i = 1; i < bounds.length; i++) expect(bounds[i][0]).toBeGreaterThan(bounds[i - 1][bounds[i - 1].length - 1] + 1);
      }),
      RUNS,
    );
  });

  it("anything else is an ImapSyntaxError", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0123456789:,*$-+ a"), maxLength: 30 }), (text) => onlySyntaxErrors(() => parseSequenceSet(text))),
      RUNS,
    );
  });
});

describe("modified UTF-7 mailbox names (RFC 3501 §5.1.3)", () => {
  const names = fc.oneof(
    fc.string({ unit: "binary", maxLength: 30 }),
    fc.string({ unit: fc.constantFrom("&", "-", "a", "/", "é", "日", "😀", "&-", "+", ",", "\u0000", "\u007f"), maxLength: 20 }),
  );

  it("decode(encode(name)) is the name for every well-formed string, astral and '&' included; the encoding is printable ASCII", () => {
    fc.assert(
      fc.property(names, (name) => {
        if (!isWellFormed(name)) {
          expect(() => encodeMailboxName(name)).toThrow(RangeError);
          return;
        }
        const wire = encodeMailboxName(name);
        expect(wire).toMatch(/^[\x20-\x7e]*$/);
        expect(decodeMailboxName(wire)).toBe(name);
      }),
      RUNS,
    );
  });

  it("decode accepts only canonical encodings: whatever it accepts encodes back to the same wire name", () => {
    const wire = fc.string({ unit: fc.constantFrom(..."&-AGEBYgZeXg+,/=a. \u00e9"), maxLength: 20 });
    fc.assert(
      fc.property(wire, (text) => {
        let decoded: string;
        try {
          decoded = decodeMailboxName(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ImapSyntaxError);
          return;
        }
        expect(encodeMailboxName(decoded)).toBe(text);
      }),
      RUNS,
    );
  });
});
