// lib/mime/mailsplit-headers-fix.ts replaces mailsplit's quadratic header unfolding with a
// linear one "of the same behaviour". This checks the behaviour against a fresh, unpatched
// copy of mailsplit's own Headers class on random header blocks, and the time on a big one.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import "@/lib/mime/mailsplit-headers-fix";
import { seeded } from "./helpers/random";

interface HeadersLike {
  lines: ({ key: string; line: string } | string)[];
  mbox: string | false;
  http: string | false;
  getList(): HeadersLike["lines"];
}
type HeadersClass = new (headers: Buffer) => HeadersLike;

const require = createRequire(import.meta.url);
const modulePath = require.resolve("mailsplit/lib/headers");
const Patched = require(modulePath) as HeadersClass & { prototype: { _parseHeaders: { name: string } } };
const Original = (() => {
  const cached = require.cache[modulePath];
  delete require.cache[modulePath];
  try {
    return require(modulePath) as HeadersClass;
  } finally {
    require.cache[modulePath] = cached;
  }
})();

function parse(Class: HeadersClass, block: Buffer) {
  const headers = new Class(block);
  const lines = headers.getList();
  return { lines, mbox: headers.mbox, http: headers.http };
}

describe("mailsplit-headers-fix", () => {
  it("is installed on the Headers class mailsplit uses, and the copy used for comparison is the original", () => {
    expect(Patched.prototype._parseHeaders.name).toBe("parseHeadersLinearly");
    expect(Original).not.toBe(Patched);
    expect((Original.prototype as unknown as { _parseHeaders: { name: string } })._parseHeaders.name).toBe("_parseHeaders");
  });

  it("unfolds, keeps keys lower-case, sets aside an mbox From line or an HTTP POST line", () => {
    const block = Buffer.from("From alice@example.test Tue Apr  1 10:00:00 2025\r\nSubject: a\r\n b\r\n\tc\r\nX-Empty:\r\nno colon\r\n\r\n");
    const fixed = parse(Patched, block);
    expect(fixed.mbox).toBe("From alice@example.test Tue Apr  1 10:00:00 2025");
    expect(fixed.lines).toEqual([
      { key: "subject", line: "Subject: a\r\n b\r\n\tc" },
      { key: "x-empty", line: "X-Empty:" },
      { key: "", line: "no colon" },
    ]);
    expect(parse(Patched, Buffer.from("POST /x HTTP/1.1\r\nHost: a\r\n\r\n")).http).toBe("POST /x HTTP/1.1");
    expect(parse(Patched, Buffer.from("Subject: x\r\nFrom a@b\r\n\r\n")).mbox).toBe(false);
  });

  it("2,000 random header blocks: the same lines, mbox and http as mailsplit's own", () => {
    const random = seeded(0x5eed51);
    const pieces = ["Subject: hi", "From: a@b", "From x@y Tue Apr  1 10:00:00 2025", "POST / HTTP/1.1", "post /", " folded", "\tfolded", " ", "\t", "", "no colon", ":", "X-A: \u00e9\u00ff", "Content-Type: text/plain;", "  charset=utf-8", "To:"];
    for (let i = 0; i < 2000; i++) {
      const ending = random.pick(["\r\n", "\n", "\r\n"]);
      let text = "";
      for (let n = random.int(8); n > 0; n--) text += random.pick(pieces) + (random.bool(0.9) ? ending : random.pick(["\r\n", "\n", "\r", ""]));
      if (random.bool()) text += ending;
      const block = Buffer.from(text, "latin1");
      expect(parse(Patched, block), `case ${i}: ${JSON.stringify(text)}`).toEqual(parse(Original, block));
    }
  });

  it("a header folded into 60,000 lines is unfolded in linear time", () => {
    const block = Buffer.from(`Subject: start${"\r\n x".repeat(60_000)}\r\nTo: a@b\r\n\r\n`);
    const started = performance.now();
    const { lines } = parse(Patched, block);
    expect(performance.now() - started).toBeLessThan(500);
    expect(lines).toHaveLength(2);
  });
});
