// The IMAP command tokenizer (lib/mail-server/imap/protocol/tokens.ts): tags and command
// names, every token kind, sections and partials, NIL versus "NIL", escapes, 8-bit text with
// and without UTF8=ACCEPT (RFC 6855), literals and literal8 (RFC 3516), and the malformed
// input each rule refuses, always as ImapSyntaxError.
import { describe, expect, it } from "vitest";
import { asAString, asAtom, asList, asNString, ImapSyntaxError, tokenize, type TokenizeOptions } from "@/lib/mail-server/imap/protocol/tokens";
import { plain, syntaxError } from "./helpers";

const parse = (text: string | Buffer, options?: TokenizeOptions) => {
  const command = tokenize(typeof text === "string" ? Buffer.from(text, "utf8") : text, options);
  return { tag: command.tag, command: command.command, args: command.args.map(plain) };
};
const args = (text: string, options?: TokenizeOptions) => parse(`A1 X ${text}`, options).args;
const fail = (text: string | Buffer, options?: TokenizeOptions) =>
  syntaxError(() => tokenize(typeof text === "string" ? Buffer.from(text, "utf8") : text, options));

describe("tag and command", () => {
  it("reads the tag and upper-cases the command", () => {
    expect(parse("a001 login bob secret")).toEqual({ tag: "a001", command: "LOGIN", args: ["bob", "secret"] });
    expect(parse("A1 NOOP")).toEqual({ tag: "A1", command: "NOOP", args: [] });
    // "]" is an ASTRING-CHAR, so it may be in a tag; "." and "-" too.
    expect(parse("x].1-2 CAPABILITY").tag).toBe("x].1-2");
  });

  it("makes UID commands one name with their sub-command", () => {
    expect(parse("A UID FETCH 1:* (FLAGS)")).toEqual({ tag: "A", command: "UID FETCH", args: ["1:*", ["FLAGS"]] });
    expect(parse("A uid store 5 +FLAGS (\\Seen)").command).toBe("UID STORE");
    expect(parse("A UID EXPUNGE 3").command).toBe("UID EXPUNGE");
    expect(fail("A UID").tag).toBe("A");
    expect(fail("A UID ").message).toBe("Missing command");
  });

  it("tolerates extra and trailing spaces", () => {
    expect(parse("A1  LOGIN   bob  secret  ")).toEqual({ tag: "A1", command: "LOGIN", args: ["bob", "secret"] });
    expect(args("( a  b )")).toEqual([["a", "b"]]);
  });

  it("refuses bad tags untagged, and everything after a good tag tagged", () => {
    for (const bad of ["", " NOOP", "+1 NOOP", "* NOOP", "a%b NOOP", "a*b NOOP", "a(b NOOP", 'a"b NOOP', "a\\b NOOP", "a{1} NOOP", "a\u00e9 NOOP"]) {
      expect(fail(bad).tag, bad).toBeUndefined();
    }
    expect(fail("A1").tag).toBe("A1");
    expect(fail("A1 ").message).toBe("Missing command");
    expect(fail("A1 NO(OP").tag).toBe("A1");
    expect(fail("A1 NOOP(").tag).toBe("A1");
    expect(fail("A1 NOOP )").tag).toBe("A1");
    expect(fail("A1 \u00e9").tag).toBe("A1");
  });
});

describe("tokens", () => {
  it("reads atoms, quoted strings, literals, NIL and lists", () => {
    expect(args('INBOX "Sent Items" {3}\r\nabc NIL (a (b c) ())')).toEqual(["INBOX", { q: "Sent Items" }, { lit: "abc" }, null, ["a", ["b", "c"], []]]);
  });

  it("keeps flags, wildcards, sequence sets and astring characters in atoms", () => {
    expect(args("(\\Seen \\Flagged $Junk) \\* 1:*,5 INBOX.% * [Gmail]/Drafts foo]bar +FLAGS.SILENT")).toEqual([
      ["\\Seen", "\\Flagged", "$Junk"],
      "\\*",
      "1:*,5",
      "INBOX.%",
      "*",
      "[Gmail]/Drafts",
      "foo]bar",
      "+FLAGS.SILENT",
    ]);
  });

  it("treats unquoted NIL in any case as nil, and quoted or literal NIL as a string", () => {
    expect(args('NIL nil Nil "NIL" {3}\r\nNIL NILS xNIL')).toEqual([null, null, null, { q: "NIL" }, { lit: "NIL" }, "NILS", "xNIL"]);
  });

  it("unescapes \\\\ and \\\" in quoted strings and keeps other controls", () => {
    expect(args('"a\\"b\\\\c" "" "tab\there"')).toEqual([{ q: 'a"b\\c' }, { q: "" }, { q: "tab\there" }]);
  });

  it("refuses other escapes, CR, LF and NUL in quoted strings, and unterminated quotes", () => {
    expect(fail('A1 X "a\\nb"').message).toMatch(/escape/);
    expect(fail('A1 X "a\\').message).toMatch(/Unterminated/);
    expect(fail('A1 X "abc').message).toMatch(/Unterminated/);
    expect(fail('A1 X "a\rb"').message).toMatch(/CR, LF or NUL/);
    expect(fail('A1 X "a\nb"').message).toMatch(/CR, LF or NUL/);
    expect(fail('A1 X "a\0b"').message).toMatch(/CR, LF or NUL/);
    expect(fail('A1 X "a"b').message).toMatch(/space/);
    expect(fail('A1 X "a""b"').message).toMatch(/space/);
  });

  it("accepts 8-bit in quoted strings only as UTF-8 with UTF8=ACCEPT", () => {
    expect(fail('A1 SELECT "台北"').message).toMatch(/8-bit/);
    expect(args('"台北"', { utf8: true })).toEqual([{ q: Buffer.from("台北").toString("latin1") }]);
    expect(tokenize(Buffer.from('A1 SELECT "台北"'), { utf8: true }).args[0]).toEqual({ type: "string", value: Buffer.from("台北"), literal: false });
    // Latin-1 é is not UTF-8; nor is a truncated sequence.
    expect(fail(Buffer.from('A1 SELECT "caf\xe9"', "latin1"), { utf8: true }).message).toMatch(/UTF-8/);
    expect(fail(Buffer.from([...Buffer.from('A1 X "'), 0xe5, 0x8f, 0x22]), { utf8: true }).message).toMatch(/UTF-8/);
    // Never in atoms, even with UTF8=ACCEPT.
    expect(fail("A1 SELECT 台北", { utf8: true }).message).toMatch(/8-bit/);
  });

  it("reads literals, non-synchronising literals and literal8 with their exact bytes", () => {
    expect(parse(Buffer.from("A1 X {5}\r\nhe\r\no {0}\r\n {3+}\r\n\x01\xff) ~{3}\r\na\0b", "latin1")).args).toEqual([{ lit: "he\r\no" }, { lit: "" }, { lit: "\x01\u00ff)" }, { lit: "a\0b", binary: true }]);
    const bytes = Buffer.concat([Buffer.from("A1 APPEND INBOX {4}\r\n"), Buffer.from([0xff, 0xfe, 0x80, 0x81])]);
    const token = tokenize(bytes).args[1];
    expect(token).toEqual({ type: "string", value: Buffer.from([0xff, 0xfe, 0x80, 0x81]), literal: true });
    // Literals may be list items, and lists may follow them.
    expect(args("({2}\r\nab {1+}\r\nc) x")).toEqual([[{ lit: "ab" }, { lit: "c" }], "x"]);
  });

  it("refuses malformed literals", () => {
    expect(fail("A1 X {3}\r\nab").message).toMatch(/shorter/);
    expect(fail("A1 X {3}abc").message).toMatch(/Invalid literal/);
    expect(fail("A1 X {3}\nabc").message).toMatch(/Invalid literal/);
    expect(fail("A1 X {}\r\n").message).toMatch(/Invalid literal/);
    expect(fail("A1 X {3-}\r\nabc").message).toMatch(/Invalid literal/);
    expect(fail("A1 X {99999999999999999999}\r\n").code).toBe("TOOBIG");
    expect(fail("A1 X {3}\r\nabcd").message).toMatch(/space/);
    expect(fail("A1 X {3}\r\na\0c").message).toMatch(/NUL/);
    expect(fail("A1 X ~{3}abc").message).toMatch(/Invalid literal/);
    expect(fail("A1 X ~{3+}\r\nab").message).toMatch(/shorter/);
  });

  it("nests lists up to the depth limit", () => {
    const deep = (n: number) => "(".repeat(n) + "x" + ")".repeat(n);
    expect(args(deep(32))).toHaveLength(1);
    expect(fail(`A1 X ${deep(33)}`).message).toMatch(/deeply/);
    expect(args(deep(3), { maxDepth: 3 })).toEqual([[[["x"]]]]);
    expect(fail(`A1 X ${deep(4)}`, { maxDepth: 3 }).message).toMatch(/deeply/);
    // Far deeper than the limit is refused without recursing into it.
    expect(fail(`A1 X ${"(".repeat(100_000)}`).message).toMatch(/deeply/);
  });

  it("refuses stray and missing parentheses", () => {
    expect(fail("A1 X (a").message).toMatch(/Unterminated list/);
    expect(fail("A1 X a)").message).toMatch(/space|\)/);
    expect(fail("A1 X )").message).toMatch(/Unexpected \)/);
    expect(fail("A1 X (a))").message).toMatch(/Unexpected \)/);
    expect(fail("A1 X (a)(b)").message).toMatch(/space/);
    expect(fail("A1 X a(b)").message).toMatch(/space/);
  });

  it("refuses control characters and garbage outside strings", () => {
    for (const bad of ["A1 X a\tb", "A1 X \0", "A1 X \r\n", "A1 X a\x7fb", "A1 X a\\b", "A1 X {"]) {
      expect(fail(bad).tag, JSON.stringify(bad)).toBe("A1");
    }
  });
});

describe("sections and partials", () => {
  it("keeps a section with spaces, quotes and parentheses and its partial as one atom", () => {
    expect(args('BODY.PEEK[HEADER.FIELDS (From "To")]<0.100>')).toEqual(['BODY.PEEK[HEADER.FIELDS (From "To")]<0.100>']);
    expect(parse("A1 FETCH 1:* (FLAGS BODY[HEADER.FIELDS.NOT (Received X-Spam)] UID BODY[]<5> BINARY[1.2] binary.size[1] body.peek[1.MIME])").args).toEqual([
      "1:*",
      ["FLAGS", "BODY[HEADER.FIELDS.NOT (Received X-Spam)]", "UID", "BODY[]<5>", "BINARY[1.2]", "binary.size[1]", "body.peek[1.MIME]"],
    ]);
    // "]" and escapes inside a quoted string don't end the section.
    expect(args('BODY[HEADER.FIELDS ("a]b" "c\\"d")]')).toEqual(['BODY[HEADER.FIELDS ("a]b" "c\\"d")]']);
  });

  it("rewrites a literal inside a section (header-fld-name is an astring) as a quoted string", () => {
    expect(args("BODY[HEADER.FIELDS ({4}\r\nFrom {4+}\r\na\"b\\)]")).toEqual(['BODY[HEADER.FIELDS ("From" "a\\"b\\\\")]']);
    expect(fail("A1 FETCH 1 BODY[HEADER.FIELDS ({3}\r\na\r\n)]").message).toMatch(/printable ASCII/);
  });

  it("treats brackets as plain characters outside BODY/BINARY", () => {
    expect(args("foo[bar [x")).toEqual(["foo[bar", "[x"]);
    // RFC 3501 astrings: "foo[a" and "b]" are two mailbox names, not one section.
    expect(args("foo[a b]")).toEqual(["foo[a", "b]"]);
  });

  it("refuses broken sections and partials", () => {
    expect(fail("A1 FETCH 1 BODY[HEADER").message).toMatch(/Unterminated section/);
    expect(fail("A1 FETCH 1 BODY[HEADER.FIELDS (From]").message).toMatch(/Unbalanced/);
    expect(fail("A1 FETCH 1 BODY[HEADER.FIELDS From)]").message).toMatch(/Unbalanced/);
    expect(fail("A1 FETCH 1 BODY[a[b]]").message).toMatch(/Invalid character in a section/);
    expect(fail('A1 FETCH 1 BODY[HEADER.FIELDS ("x)]').message).toMatch(/Unterminated quoted/);
    expect(fail("A1 FETCH 1 BODY[]<").message).toMatch(/partial/);
    expect(fail("A1 FETCH 1 BODY[]<1.>").message).toMatch(/partial/);
    expect(fail("A1 FETCH 1 BODY[]<a>").message).toMatch(/partial/);
    expect(fail("A1 FETCH 1 BODY[]<1.2").message).toMatch(/partial/);
    expect(fail("A1 FETCH 1 BODY[]x").message).toMatch(/after a section/);
    expect(fail("A1 FETCH 1 BODY[]<1>x").message).toMatch(/after a section/);
    expect(fail(`A1 FETCH 1 BODY[${"(".repeat(40)}`).message).toMatch(/deeply/);
  });
});

describe("argument readers", () => {
  it("reads astrings (NIL is a name there), nstrings, atoms and lists", () => {
    const [atom, quoted, literal, nil, list] = tokenize(Buffer.from('A1 X INBOX "Sent Items" {6}\r\n台北 NIL (a)')).args;
    expect([atom, quoted, literal, nil].map(asAString)).toEqual(["INBOX", "Sent Items", "台北", "NIL"]);
    expect(asNString(nil)).toBeNull();
    expect(asNString(quoted)?.toString()).toBe("Sent Items");
    expect(asAtom(atom)).toBe("INBOX");
    expect(asList(list)).toEqual([{ type: "atom", value: "a" }]);
    for (const fn of [() => asAString(list), () => asAString(undefined), () => asNString(atom), () => asAtom(quoted), () => asList(atom)]) {
      expect(fn).toThrow(ImapSyntaxError);
    }
  });
});
