// The store's pure helpers: domain and address normal forms (IDNA), the password rule, and
// mbox splitting for mailctl import.
import { afterEach, describe, expect, it } from "vitest";
import { addressKey, normalizeDomain, parseAddress } from "@/lib/mail-server/store/addresses";
import { checkPasswordStrength, MIN_PASSWORD_LENGTH } from "@/lib/mail-server/store/passwords";
import { splitMbox } from "@/lib/mail-server/store/import";
import { StoreError } from "@/lib/mail-server/store/errors";
import { seeded } from "./helpers/random";

function storeError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error("expected a StoreError, got a result");
}

describe("normalizeDomain", () => {
  it("IDNA: Bücher.example is xn--bcher-kva.example, in any case, with or without the root dot", () => {
    expect(normalizeDomain("Bücher.example")).toBe("xn--bcher-kva.example");
    expect(normalizeDomain("BÜCHER.EXAMPLE.")).toBe("xn--bcher-kva.example");
    expect(normalizeDomain("xn--bcher-kva.example")).toBe("xn--bcher-kva.example");
    expect(normalizeDomain(" Example.TEST ")).toBe("example.test");
    expect(normalizeDomain("例子.测试")).toBe("xn--fsqu00a.xn--0zwm56d");
    expect(normalizeDomain("localhost")).toBe("localhost");
  });

  it("UTS #46 mapping: full-width letters and ideographic dots are the same name", () => {
    expect(normalizeDomain("ＥＸＡＭＰＬＥ.test")).toBe("example.test");
    expect(normalizeDomain("b\u3002test")).toBe("b.test");
  });

  it("refuses what isn't a domain name", () => {
    const bad = ["", " ", ".", "..", "example..test", "a.test..", "-a.test", "a-.test", "a_b.test", "exa mple.test", "[1.2.3.4]", "user@b.test", "b.test:25", "xn--zz.test", "a\u200db.test", `${"a".repeat(64)}.test`, `${"abcdefghi.".repeat(26)}test`];
    for (const domain of bad) {
      expect(storeError(() => normalizeDomain(domain)).code, JSON.stringify(domain)).toBe("invalid");
    }
  });

  it("refuses URL syntax instead of cutting the name at it (domainToASCII parses a URL host)", () => {
    const accepted: string[] = [];
    for (const domain of ["example.test/evil", "example.test?x", "example.test#x", "example.test\\x", "exa%6dple.test", "exam\tple.test", "exam\nple.test"]) {
      try {
        accepted.push(`${JSON.stringify(domain)} → ${normalizeDomain(domain)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(StoreError);
      }
    }
    expect(accepted).toEqual([]);
  });

  it("doesn't rewrite numbers into a different dotted-quad (URL IPv4 parsing)", () => {
    const rewritten: string[] = [];
    for (const domain of ["0x7f.1", "127.1", "0177.0.0.1", "999999999", "1.2.3"]) {
      try {
        const result = normalizeDomain(domain);
        if (result !== domain) rewritten.push(`${domain} → ${result}`);
      } catch (error) {
        expect(error).toBeInstanceOf(StoreError);
      }
    }
    expect(rewritten).toEqual([]);
  });
});

describe("parseAddress", () => {
  it("normalises the domain, keeps the local part, lower-cases the key", () => {
    expect(parseAddress("Alice@Bücher.Example")).toEqual({
      local: "Alice",
      domain: "xn--bcher-kva.example",
      address: "Alice@xn--bcher-kva.example",
      key: "alice@xn--bcher-kva.example",
    });
    expect(parseAddress("  bob@example.test.  ").address).toBe("bob@example.test");
    expect(addressKey("Bob", "Example.Test")).toBe("bob@example.test");
  });

  it("UTF-8 local parts (RFC 6531)", () => {
    expect(parseAddress("jörg@example.test").local).toBe("jörg");
    expect(parseAddress("用户@例子.测试")).toMatchObject({ local: "用户", domain: "xn--fsqu00a.xn--0zwm56d" });
  });

  it("plus, dot and atext specials are fine", () => {
    expect(parseAddress("first.last+tag@example.test").local).toBe("first.last+tag");
    expect(parseAddress("o'brien@example.test").local).toBe("o'brien");
  });

  it("refuses what isn't an address", () => {
    const bad = ["", "alice", "@example.test", "alice@", "a@b@example.test", '"a b"@example.test', "a b@example.test", ".a@example.test", "a.@example.test", "a..b@example.test", "a\u0000b@example.test", "a(c)@example.test", "a<b@example.test", `${"a".repeat(65)}@example.test`, "alice@exa mple.test", "alice@-x.test"];
    for (const address of bad) {
      expect(storeError(() => parseAddress(address)).code, JSON.stringify(address)).toBe("invalid");
    }
  });

  it("2,000 random strings: a StoreError or an address that parses to itself", () => {
    const random = seeded(0x5eed41);
    const pieces = ["a", "Z", "0", ".", "@", "-", "_", "+", " ", "\t", '"', "ü", "例", "xn--", "/", "%", "\u0000", "example", "test"];
    for (let i = 0; i < 2000; i++) {
      let text = "";
      for (let n = random.int(12); n > 0; n--) text += random.pick(pieces);
      try {
        const parsed = parseAddress(text);
        expect(parseAddress(parsed.address), JSON.stringify(text)).toEqual(parsed);
      } catch (error) {
        if (!(error instanceof StoreError)) throw new Error(`case ${i} ${JSON.stringify(text)}: ${String(error)}`);
      }
    }
  });
});

describe("checkPasswordStrength", () => {
  const ok = (password: string, address = "alice@example.test") => expect(() => checkPasswordStrength(password, address)).not.toThrow();
  const weak = (password: string, address = "alice@example.test") => expect(storeError(() => checkPasswordStrength(password, address)).code).toBe("weak-password");

  it(`needs ${MIN_PASSWORD_LENGTH} characters, counted as characters, not UTF-16 units`, () => {
    expect(MIN_PASSWORD_LENGTH).toBe(10);
    weak("short");
    weak("123456789");
    ok("correct horse battery");
    ok("k3#Lm9!qZx");
    weak("😀".repeat(9)); // 18 UTF-16 units, 9 characters
    ok("😀".repeat(10));
  });

  it("refuses common passwords in any case", () => {
    weak("password123");
    weak("Password123");
    weak("QWERTYUIOP");
    weak("1234567890");
  });

  it("refuses one repeated character", () => {
    weak("aaaaaaaaaaaa");
    weak("          ");
    ok("abababababab");
  });

  it("refuses the address's local part (4 characters or more) inside the password", () => {
    weak("alice-rocks-2024");
    weak("MyALICEpassword");
    ok("bob1234567xyz", "bob@example.test"); // a 3-character local part is too common a substring to forbid
  });
});

describe("splitMbox", () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  const mbox = [
    "From alice@example.test Tue Apr  1 10:00:00 2025",
    "From: alice@example.test",
    "Subject: one",
    "",
    "Hello",
    ">From the start of a line",
    ">>From quoted twice",
    "> From is not quoted (space)",
    "",
    "From bob@example.test Wed Apr  2 11:30:00 2025",
    "Subject: two",
    "",
    "body two",
    "",
    "",
  ].join("\n");

  it("splits on From_ lines, converts to CRLF, undoes mboxrd >From quoting one level", () => {
    const messages = splitMbox(Buffer.from(mbox));
    expect(messages).toHaveLength(2);
    expect(messages[0].raw.toString()).toBe(
      "From: alice@example.test\r\nSubject: one\r\n\r\nHello\r\nFrom the start of a line\r\n>From quoted twice\r\n> From is not quoted (space)\r\n",
    );
    expect(messages[1].raw.toString()).toBe("Subject: two\r\n\r\nbody two\r\n");
  });

  it("takes the date of the From_ line when it has one", () => {
    const messages = splitMbox(Buffer.from(mbox));
    expect(messages[0].date?.toISOString()).toBe("2025-04-01T10:00:00.000Z");
    expect(messages[1].date?.toISOString()).toBe("2025-04-02T11:30:00.000Z");
    expect(splitMbox(Buffer.from("From x@example.test not a date\nSubject: a\n\nb\n\n"))[0].date).toBeNull();
    expect(splitMbox(Buffer.from("From - Sat Jan 03 01:05:34 +0000 2015\nSubject: a\n\nb\n\n"))[0].date?.toISOString()).toBe("2015-01-03T01:05:34.000Z");
  });

  it("the From_ date is UTC (RFC 4155) whatever the server's time zone", () => {
    process.env.TZ = "America/New_York";
    expect(splitMbox(Buffer.from(mbox))[0].date?.toISOString()).toBe("2025-04-01T10:00:00.000Z");
  });

  it("keeps 8-bit bytes as they are", () => {
    const messages = splitMbox(Buffer.from("From x@example.test Fri Jul  8 12:08:34 2011\nSubject: caf\xe9\n\n\xff\x00\n\n", "latin1"));
    expect(messages[0].raw).toEqual(Buffer.from("Subject: caf\xe9\r\n\r\n\xff\x00\r\n", "latin1"));
  });

  it("a file without From_ lines has no messages", () => {
    expect(splitMbox(Buffer.from("Subject: not an mbox\n\nbody\n"))).toEqual([]);
    expect(splitMbox(Buffer.alloc(0))).toEqual([]);
  });

  it("an mbox with CRLF line ends gives messages without a stray bare CR", () => {
    const messages = splitMbox(Buffer.from(mbox.replace(/\n/g, "\r\n")));
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      const text = message.raw.toString("latin1");
      expect(/\r(?!\n)/.test(text), JSON.stringify(text.slice(-20))).toBe(false);
    }
    expect(messages[1].raw.toString()).toBe("Subject: two\r\n\r\nbody two\r\n");
  });

  it("two From_ lines in a row don't make an empty message", () => {
    const messages = splitMbox(Buffer.from("From a@example.test Tue Apr  1 10:00:00 2025\nFrom b@example.test Tue Apr  1 10:00:01 2025\nSubject: b\n\nbody\n\n"));
    expect(messages.every((m) => m.raw.length > 0)).toBe(true);
  });
});
