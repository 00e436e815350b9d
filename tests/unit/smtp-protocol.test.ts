// The SMTP wire format of lib/mail-server/smtp/protocol.ts: commands, mailboxes (RFC 5321
// §4.1.2, RFC 6531), paths with parameters, xtext (RFC 3461), replies; and a seeded fuzz that
// only ever sees SmtpError and never a slow case.
import { isIPv6 } from "node:net";
import { describe, expect, it } from "vitest";
import { decodeXtext, encodeXtext, looksLikeHttp, parseCommand, parseMailbox, parseParams, parsePathAndParams, reply, SmtpError } from "@/lib/mail-server/smtp/protocol";
import { seeded, type Random } from "./helpers/random";

function smtpError(fn: () => unknown): SmtpError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SmtpError);
    return error as SmtpError;
  }
  throw new Error("expected an SmtpError, got a result");
}

const mail = (text: string, allowUtf8 = false) => parsePathAndParams(text, { allowNull: true, allowUtf8 });
const rcpt = (text: string, allowUtf8 = false) => parsePathAndParams(text, { allowNull: false, allowUtf8, allowPostmaster: true });

describe("parseCommand", () => {
  it("splits the verb (upper-cased) from its arguments (trimmed)", () => {
    expect(parseCommand("mail FROM:<a@b.test> SIZE=10")).toEqual({ verb: "MAIL", args: "FROM:<a@b.test> SIZE=10" });
    expect(parseCommand("  ehlo   client.test  ")).toEqual({ verb: "EHLO", args: "client.test" });
    expect(parseCommand("DATA")).toEqual({ verb: "DATA", args: "" });
    expect(parseCommand("NOOP\targ")).toEqual({ verb: "NOOP", args: "arg" });
  });

  it("gives an empty verb for lines that don't start with a word", () => {
    expect(parseCommand("")).toEqual({ verb: "", args: "" });
    expect(parseCommand("MAIL:x").verb).toBe("");
    expect(parseCommand("123 abc").verb).toBe("");
    expect(parseCommand("EHLO\u00e9").verb).toBe("");
    expect(parseCommand("\u0000QUIT").verb).toBe("");
  });
});

describe("reply and SmtpError", () => {
  it("formats single and multi-line replies (RFC 5321 §4.2.1)", () => {
    expect(reply(250, "OK")).toBe("250 OK\r\n");
    expect(reply(250, ["mx.test", "PIPELINING", "SIZE 100"])).toBe("250-mx.test\r\n250-PIPELINING\r\n250 SIZE 100\r\n");
    expect(new SmtpError(501, "5.5.4", "Syntax error").toReply()).toBe("501 5.5.4 Syntax error\r\n");
  });
});

describe("parseMailbox: valid forms", () => {
  it("a plain dot-string address", () => {
    expect(parseMailbox("john.q.public+tag@example.test", false)).toEqual({
      local: "john.q.public+tag",
      domain: "example.test",
      address: "john.q.public+tag@example.test",
      localUnquoted: "john.q.public+tag",
      utf8: false,
      literal: false,
    });
  });

  it("every atext character is allowed in the local part", () => {
    const local = "!#$%&'*+-/=?^_`{|}~az09";
    expect(parseMailbox(`${local}@x.test`, false).localUnquoted).toBe(local);
  });

  it("a quoted local part keeps its quotes in address and loses them in localUnquoted", () => {
    const box = parseMailbox('"john doe"@example.test', false);
    expect(box.local).toBe('"john doe"');
    expect(box.address).toBe('"john doe"@example.test');
    expect(box.localUnquoted).toBe("john doe");
  });

  it("an @ inside quotes is part of the local part, not a second @", () => {
    const box = parseMailbox('"user@remote.test"@local.test', false);
    expect(box.domain).toBe("local.test");
    expect(box.localUnquoted).toBe("user@remote.test");
  });

  it("quoted-pair escapes: \\\" and \\\\ are unescaped", () => {
    expect(parseMailbox('"a\\"b"@x.test', false).localUnquoted).toBe('a"b');
    expect(parseMailbox('"a\\\\b"@x.test', false).localUnquoted).toBe("a\\b");
    expect(parseMailbox('"a\\"@b"@x.test', false)).toMatchObject({ localUnquoted: 'a"@b', domain: "x.test" });
  });

  it("the empty quoted string is a local part (RFC 5321 Quoted-string = DQUOTE *QcontentSMTP DQUOTE)", () => {
    expect(parseMailbox('""@x.test', false).localUnquoted).toBe("");
  });

  it("IPv4 address literals", () => {
    expect(parseMailbox("a@[192.0.2.1]", false)).toMatchObject({ domain: "[192.0.2.1]", literal: true });
    expect(parseMailbox("a@[255.255.255.255]", false).literal).toBe(true);
  });

  it("IPv6 address literals", () => {
    expect(parseMailbox("a@[IPv6:2001:db8::1]", false)).toMatchObject({ domain: "[IPv6:2001:db8::1]", literal: true });
    expect(parseMailbox("a@[IPv6:::1]", false).literal).toBe(true);
    expect(parseMailbox("a@[IPv6:::ffff:192.0.2.1]", false).literal).toBe(true);
  });

  it("UTF-8 local parts and domains with allowUtf8 (RFC 6531)", () => {
    expect(parseMailbox("jörg@bücher.example", true)).toMatchObject({ localUnquoted: "jörg", domain: "bücher.example", utf8: true });
    expect(parseMailbox("用户@例子.测试", true)).toMatchObject({ localUnquoted: "用户", domain: "例子.测试", utf8: true });
    expect(parseMailbox('"jö rg"@x.test', true)).toMatchObject({ localUnquoted: "jö rg", utf8: true });
  });

  it("a local part of exactly 64 octets is accepted (RFC 5321 §4.5.3.1.1)", () => {
    expect(parseMailbox(`${"a".repeat(64)}@x.test`, false).local).toHaveLength(64);
    // 32 two-octet characters are 64 octets.
    expect(parseMailbox(`${"é".repeat(32)}@x.test`, true).localUnquoted).toHaveLength(32);
  });

  it("a trailing dot on the domain is tolerated (as Postfix does) and kept; the store's normalizeDomain drops it", () => {
    expect(parseMailbox("a@example.test.", false).domain).toBe("example.test.");
  });
});

describe("parseMailbox: invalid forms", () => {
  const cases: [string, string, boolean?][] = [
    ["no @", "user.example.test"],
    ["empty local part", "@example.test"],
    ["empty domain", "user@"],
    ["just @", "@"],
    ["empty", ""],
    ["double @", "a@b@example.test"],
    ["two @ in a row", "a@@example.test"],
    ["leading dot", ".a@example.test"],
    ["trailing dot in the local part", "a.@example.test"],
    ["two dots in the local part", "a..b@example.test"],
    ["space in the local part", "a b@example.test"],
    ["backslash outside quotes", "a\\b@example.test"],
    ["unterminated quote", '"abc@example.test'],
    ["quote in the middle", 'a"b"c@example.test'],
    ["quoted and unquoted mixed", '"a".b@example.test'],
    ["escape at the end of the quotes", '"a\\"@example.test'],
    ["control character in quotes", '"a\u0001b"@example.test'],
    ["DEL in quotes", '"a\u007fb"@example.test'],
    ["local part of 65 octets", `${"a".repeat(65)}@example.test`],
    ["local part of 65 octets in UTF-8", `${"é".repeat(32)}a@example.test`, true],
    ["empty label", "a@example..test"],
    ["leading dot in the domain", "a@.example.test"],
    ["label starting with -", "a@-example.test"],
    ["label ending with -", "a@example-.test"],
    ["underscore in the domain", "a@ex_ample.test"],
    ["label of 64 characters", `a@${"b".repeat(64)}.test`],
    ["domain longer than 255", `a@${Array(64).fill("abc").join(".")}.test`],
    ["IPv4 literal with a number > 255", "a@[256.1.1.1]"],
    ["IPv4 literal with 3 numbers", "a@[1.2.3]"],
    ["IPv4 literal without brackets end", "a@[1.2.3.4"],
    ["general literal tag (not supported)", "a@[x400:abc]"],
    ["IPv6 literal with letters past f", "a@[IPv6:zz::1]"],
    ["unbracketed IP with brackets inside", "a@1.2.3.4]"],
    ["UTF-8 domain label with punctuation", "a@bü!cher.example", true],
    ["space in the domain", "a@exa mple.test"],
  ];
  for (const [name, text, utf8] of cases) {
    it(`${name}: ${JSON.stringify(text.length > 60 ? text.slice(0, 60) + "…" : text)}`, () => {
      const error = smtpError(() => parseMailbox(text, utf8 ?? false));
      expect(error.code).toBe(501);
      expect(error.enhanced).toBe("5.1.3");
    });
  }

  it("non-ASCII anywhere without SMTPUTF8 is 553 5.6.7", () => {
    for (const text of ["jörg@example.test", "a@bücher.example", '"ö"@example.test']) {
      const error = smtpError(() => parseMailbox(text, false));
      expect([error.code, error.enhanced]).toEqual([553, "5.6.7"]);
    }
  });

  it("a raw TAB inside a quoted local part is refused (RFC 5321 §4.1.2 qtextSMTP is %d32-33 / %d35-91 / %d93-126)", () => {
    smtpError(() => parseMailbox('"a\tb"@example.test', false));
  });

  it("IPv6 address literals must be IPv6 addresses (RFC 5321 §4.1.3 IPv6-addr)", () => {
    const bad = ["1:2:3", ":::::::", ".", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::1"];
    for (const literal of bad) expect(isIPv6(literal), literal).toBe(false);
    const accepted = bad.filter((literal) => {
      try {
        parseMailbox(`a@[IPv6:${literal}]`, false);
        return true;
      } catch (error) {
        expect(error).toBeInstanceOf(SmtpError);
        return false;
      }
    });
    expect(accepted).toEqual([]);
  });
});

describe("parsePathAndParams", () => {
  it("a path in brackets with no parameters", () => {
    const { mailbox, params } = mail("<a@example.test>");
    expect(mailbox?.address).toBe("a@example.test");
    expect(params.size).toBe(0);
  });

  it("the null reverse-path <> only where allowed", () => {
    expect(mail("<>").mailbox).toBeNull();
    expect(mail("<> SIZE=100 BODY=8BITMIME").params.get("SIZE")).toBe("100");
    expect(smtpError(() => rcpt("<>")).code).toBe(501);
  });

  it("an empty MAIL FROM: is not the null path: RFC 5321 §4.1.2 Reverse-path = Path / \"<>\"", () => {
    // "MAIL FROM:" with nothing after it; Postfix answers "501 5.5.4 Syntax: MAIL FROM:<address>".
    expect(smtpError(() => mail("")).code).toBe(501);
    expect(smtpError(() => mail("   ")).code).toBe(501);
  });

  it("source routes are accepted and ignored (RFC 5321 §4.1.1.3, appendix C)", () => {
    expect(mail("<@relay.test:a@example.test>").mailbox?.address).toBe("a@example.test");
    expect(mail("<@one.test,@two.test:a@example.test> SIZE=5").mailbox?.address).toBe("a@example.test");
    expect(rcpt("<@relay.test:\"x@y\"@example.test>").mailbox?.localUnquoted).toBe("x@y");
  });

  it("a source route before an empty path is not the null path", () => {
    expect(smtpError(() => mail("<@relay.test:>")).code).toBe(501);
  });

  it("brackets may be missing, as old clients send", () => {
    const { mailbox, params } = mail("a@example.test SIZE=10");
    expect(mailbox?.address).toBe("a@example.test");
    expect(params.get("SIZE")).toBe("10");
    expect(mail("  a@example.test").mailbox?.address).toBe("a@example.test");
  });

  it("half a bracket pair is an error", () => {
    expect(smtpError(() => mail("<a@example.test")).message).toMatch(/missing >/);
    expect(smtpError(() => mail("<a@example.test SIZE=10")).code).toBe(501);
    expect(smtpError(() => mail("a@example.test>")).code).toBe(501);
  });

  it("a > inside a quoted local part doesn't end the path", () => {
    expect(rcpt('<"a>b"@example.test>').mailbox?.localUnquoted).toBe("a>b");
  });

  it("garbage right after > is a syntax error", () => {
    expect(smtpError(() => mail("<a@example.test>SIZE=10")).message).toMatch(/after the address/);
    expect(smtpError(() => mail("<a@example.test>>")).code).toBe(501);
    expect(smtpError(() => mail("<a@example.test><b@example.test>")).code).toBe(501);
  });

  it("parameters with and without values, keywords upper-cased, values kept as sent", () => {
    const { params } = mail("<a@example.test> size=100 body=8bitmime SMTPUTF8 ENVID=abc+2Bdef");
    expect([...params]).toEqual([
      ["SIZE", "100"],
      ["BODY", "8bitmime"],
      ["SMTPUTF8", null],
      ["ENVID", "abc+2Bdef"],
    ]);
  });

  it("a parameter given twice is refused, whatever its case", () => {
    expect(smtpError(() => mail("<a@example.test> SIZE=1 size=2")).message).toMatch(/twice/);
  });

  it("a malformed parameter keyword is refused", () => {
    for (const bad of ["=1", "-X=1", "SI_ZE=1", "S!ZE", "A.B=1"]) {
      expect(smtpError(() => mail(`<a@example.test> ${bad}`)).code, bad).toBe(501);
    }
  });

  it("a non-ASCII keyword is refused even when it upper-cases to ASCII (esmtp-keyword is ALPHA / DIGIT / \"-\")", () => {
    // "ſ" (U+017F LATIN SMALL LETTER LONG S).toUpperCase() is "S": "ſIZE" must not become SIZE.
    expect(smtpError(() => parseParams("\u017fIZE=1")).code).toBe(501);
    expect(smtpError(() => parseParams("BODY=8BITMIME \u0131D=1")).code).toBe(501);
  });

  it("<Postmaster> without a domain, only where allowed (RFC 5321 §4.5.1), in any case", () => {
    for (const pm of ["<Postmaster>", "<postmaster>", "<POSTMASTER>"]) {
      const { mailbox } = rcpt(pm);
      expect(mailbox).toMatchObject({ domain: "", localUnquoted: "postmaster", literal: false });
    }
    expect(smtpError(() => mail("<Postmaster>")).code).toBe(501);
    expect(rcpt("<Postmaster@example.test>").mailbox).toMatchObject({ domain: "example.test", localUnquoted: "Postmaster" });
  });

  it("UTF-8 paths only with allowUtf8", () => {
    expect(mail("<jörg@bücher.example> SMTPUTF8", true).mailbox?.utf8).toBe(true);
    const error = smtpError(() => mail("<jörg@bücher.example>", false));
    expect(error.code).toBe(553);
  });
});

describe("decodeXtext (RFC 3461 §4)", () => {
  it("decodes +XX and leaves xchars alone", () => {
    expect(decodeXtext("")).toBe("");
    expect(decodeXtext("abc")).toBe("abc");
    expect(decodeXtext("a+2Bb+3Dc")).toBe("a+b=c");
    expect(decodeXtext("rfc822;user+40example.test")).toBe("rfc822;user@example.test");
    expect(decodeXtext("+20")).toBe(" ");
  });

  it("refuses raw + and =, lower-case or short hex, spaces and controls, non-ASCII", () => {
    for (const bad of ["a+b", "a=b", "+2b", "+2", "+", "a b", "a\tb", "a\u0000", "é", "+G0"]) {
      expect(decodeXtext(bad), bad).toBeNull();
    }
  });
});

describe("encodeXtext (the inverse, for passing ENVID and ORCPT on)", () => {
  it("encodes +, =, spaces, controls and 8-bit bytes as +XX and round-trips through decodeXtext", () => {
    expect(encodeXtext("a+b=c d")).toBe("a+2Bb+3Dc+20d");
    // A byte decodeXtext gave (+C3+A9, UTF-8 "é" as two byte-characters) goes back as the same two bytes.
    expect(encodeXtext(decodeXtext("caf+C3+A9")!)).toBe("caf+C3+A9");
    for (const text of ["", "plain", "rfc822;user@example.test", "x+y=z\u0000\u00ff"]) expect(decodeXtext(encodeXtext(text))).toBe(text);
    // A character beyond one byte goes as its UTF-8 bytes.
    expect(encodeXtext("中")).toBe("+E4+B8+AD");
  });
});

describe("looksLikeHttp", () => {
  it("recognises request lines and browser headers, not SMTP", () => {
    expect(looksLikeHttp("GET / HTTP/1.1")).toBe(true);
    expect(looksLikeHttp("post /x HTTP/1.0")).toBe(true);
    expect(looksLikeHttp("Host: mail.example.test")).toBe(true);
    expect(looksLikeHttp("User-Agent: curl/8")).toBe(true);
    expect(looksLikeHttp("EHLO client.test")).toBe(false);
    expect(looksLikeHttp("MAIL FROM:<a@b.test>")).toBe(false);
    expect(looksLikeHttp("Subject: hi")).toBe(false);
  });
});

describe("protocol fuzz", () => {
  const PIECES = [
    "<", ">", "@", '"', "\\", ".", ":", ",", " ", "\t", "[", "]", "=", "+", "-", "a", "b", "Z", "0", "9",
    "IPv6:", "::", "1.2.3.4", "SIZE=", "BODY=8BITMIME", "SMTPUTF8", "postmaster", "example.test", "é", "中", "😀",
    "\u0000", "\u007f", "\r", "\n", "\ud800", "ſ", "+2B", "+zz", "@a,@b:", "xn--", "FROM:", "MAIL ",
  ];

  function randomText(random: Random, maxPieces: number): string {
    let text = "";
    for (let n = random.int(maxPieces); n > 0; n--) text += random.pick(PIECES);
    return text;
  }

  function check(label: string, fn: () => unknown) {
    const start = performance.now();
    try {
      fn();
    } catch (error) {
      if (!(error instanceof SmtpError)) throw new Error(`${label}: threw ${String(error)}`);
      expect(error.code, label).toBeGreaterThanOrEqual(500);
      expect(error.enhanced, label).toMatch(/^5\.\d\.\d+$/);
    }
    return performance.now() - start;
  }

  it("2,000 random strings: only SmtpError, and no call is slow", () => {
    const random = seeded(0x5eed11);
    let slowest = 0;
    for (let i = 0; i < 2000; i++) {
      const text = randomText(random, 24);
      const label = `case ${i}: ${JSON.stringify(text)}`;
      slowest = Math.max(
        slowest,
        check(label, () => parseCommand(text)),
        check(label, () => parseMailbox(text, false)),
        check(label, () => parseMailbox(text, true)),
        check(label, () => mail(text, random.bool())),
        check(label, () => rcpt(text, random.bool())),
        check(label, () => parseParams(text)),
        check(label, () => decodeXtext(text)),
        check(label, () => looksLikeHttp(text)),
      );
    }
    // A hang guard, not a benchmark: a backtracking pattern takes seconds, a GC pause on a busy machine tens of ms.
    expect(slowest).toBeLessThan(250);
  });

  it("long hostile inputs (4 KB, the line limit, and 64 KB) stay fast", () => {
    const shapes = [
      (n: number) => "<" + "@a,".repeat(n / 3) + "x@y>",
      (n: number) => "<" + "@a".repeat(n / 2) + ">",
      (n: number) => '"'.repeat(n) + "@x",
      (n: number) => "\\".repeat(n) + "@x",
      (n: number) => '"' + "\\".repeat(n) + '"@x',
      (n: number) => "a".repeat(n) + "@" + "b".repeat(n),
      (n: number) => "a@" + "a.".repeat(n / 2) + "!",
      (n: number) => "a@" + "é".repeat(n),
      (n: number) => "a@[IPv6:" + ":".repeat(n) + "!]",
      (n: number) => "<a@b.test>" + " X".repeat(n / 2),
      (n: number) => "<a@b.test> " + "A-".repeat(n / 2) + "!",
      (n: number) => "+2".repeat(n / 2) + "!",
      (n: number) => " ".repeat(n) + "MAIL" + " ".repeat(n) + "!",
      (n: number) => "GET " + "/".repeat(n) + " HTTP",
    ];
    for (const size of [4096, 65536]) {
      shapes.forEach((shape, i) => {
        const text = shape(size);
        const label = `shape ${i} at ${size}`;
        const took = Math.max(
          check(label, () => parseCommand(text)),
          check(label, () => parseMailbox(text, true)),
          check(label, () => mail(text, true)),
          check(label, () => rcpt(text, true)),
          check(label, () => parseParams(text)),
          check(label, () => decodeXtext(text)),
          check(label, () => looksLikeHttp(text)),
        );
        expect(took, label).toBeLessThan(50);
      });
    }
  });
});
