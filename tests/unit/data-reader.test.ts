// DotDataDecoder (RFC 5321 §4.1.1.4 end of data, §4.5.2 dot-unstuffing, §2.3.8 line
// endings): known cases, every smuggling variant, and a seeded fuzz that checks the decoder
// against a line-by-line reference and against itself fed in random chunk splits.
import { describe, expect, it } from "vitest";
import { DotDataDecoder } from "@/lib/mail-server/smtp/data-reader";
import { randomSplit, seeded, type Random } from "./helpers/random";

const CR = 13;
const LF = 10;
const DOT = 0x2e;

interface Outcome {
  done: boolean;
  consumed: number;
  message: string;
  bareLineEnding: boolean;
  overflow: boolean;
}

/** Feeds the pieces the way Connection.consume does: unconsumed bytes are given again with the next piece. */
function feed(pieces: Buffer[], maxSize = 1 << 20): Outcome {
  const decoder = new DotDataDecoder(maxSize);
  let pending = Buffer.alloc(0);
  let consumed = 0;
  for (const piece of pieces) {
    pending = Buffer.concat([pending, piece]);
    if (!pending.length) continue;
    const used = decoder.write(pending);
    expect(used).toBeGreaterThanOrEqual(0);
    expect(used).toBeLessThanOrEqual(pending.length);
    consumed += used;
    pending = pending.subarray(used);
    if (decoder.done) break;
  }
  return {
    done: decoder.done,
    consumed,
    message: decoder.message().toString("latin1"),
    bareLineEnding: decoder.bareLineEnding,
    overflow: decoder.overflow,
  };
}

const whole = (text: string | Buffer, maxSize?: number) => feed([Buffer.isBuffer(text) ? text : Buffer.from(text, "latin1")], maxSize);

/**
 * The decoder's specification written the slow, obvious way: the data ends at the first
 * ".<CRLF>" at the start of a line (position 0 or after <CRLF>); a dot starting such a line is
 * removed; a CR not followed by LF or an LF not preceded by CR is a bare line ending. Without
 * an end, an undecided tail is left unconsumed: a trailing CR, or "." / ".\r" at a line start.
 */
function reference(input: Buffer, maxSize = 1 << 20): Outcome {
  let end = -1;
  if (input.subarray(0, 3).toString("latin1") === ".\r\n") end = 3;
  else {
    const k = input.indexOf("\r\n.\r\n");
    if (k !== -1) end = k + 5;
  }
  let contentEnd: number;
  if (end !== -1) contentEnd = end - 3;
  else {
    const lastLf = input.lastIndexOf(LF);
    const lineStart = lastLf === -1 || (lastLf > 0 && input[lastLf - 1] === CR);
    const rest = input.subarray(lastLf + 1).toString("latin1");
    if (lineStart && (rest === "." || rest === ".\r")) contentEnd = lastLf + 1;
    else contentEnd = input.length && input[input.length - 1] === CR ? input.length - 1 : input.length;
  }
  const out: number[] = [];
  let bare = false;
  let atLineStart = true;
  for (let i = 0; i < contentEnd; i++) {
    const byte = input[i];
    if (byte === CR && (i + 1 >= contentEnd || input[i + 1] !== LF)) bare = true;
    if (byte === LF && (i === 0 || input[i - 1] !== CR)) bare = true;
    if (atLineStart && byte === DOT) {
      atLineStart = false;
      continue;
    }
    out.push(byte);
    atLineStart = byte === LF && i > 0 && input[i - 1] === CR;
  }
  const message = Buffer.from(out);
  return {
    done: end !== -1,
    consumed: end !== -1 ? end : contentEnd,
    message: message.subarray(0, maxSize).toString("latin1"),
    bareLineEnding: bare,
    overflow: message.length > maxSize,
  };
}

/** What an SMTP client sends for a message: dots doubled at line starts, then ".<CRLF>". */
function stuff(message: string): string {
  return message.replace(/(^|\r\n)\./g, "$1..") + ".\r\n";
}

describe("DotDataDecoder: end of data and dot-unstuffing", () => {
  it("an empty message is just .<CRLF>", () => {
    expect(whole(".\r\n")).toEqual({ done: true, consumed: 3, message: "", bareLineEnding: false, overflow: false });
  });

  it("removes the stuffed dot of ..x and keeps the rest of the line", () => {
    expect(whole("..x\r\n.\r\n")).toMatchObject({ done: true, consumed: 8, message: ".x\r\n" });
  });

  it("a line that is just .. becomes a line that is just .", () => {
    expect(whole("a\r\n..\r\n.\r\n")).toMatchObject({ done: true, message: "a\r\n.\r\n", bareLineEnding: false });
  });

  it("a dot that doesn't start a line is kept, and .<CRLF> inside a line ends nothing", () => {
    expect(whole("a.\r\nb.\r\n.\r\n")).toMatchObject({ done: true, consumed: 11, message: "a.\r\nb.\r\n" });
    expect(whole("x.\r\n")).toMatchObject({ done: false, consumed: 4, message: "x.\r\n" });
  });

  it("a single dot followed by text on its line is removed (RFC 5321 §4.5.2)", () => {
    expect(whole(".x\r\n.\r\n")).toMatchObject({ done: true, message: "x\r\n" });
  });

  it("stops right after <CRLF>.<CRLF> and leaves the pipelined commands that follow", () => {
    const input = "Subject: a\r\n\r\nbody\r\n.\r\nQUIT\r\n";
    const outcome = whole(input);
    expect(outcome).toMatchObject({ done: true, message: "Subject: a\r\n\r\nbody\r\n", bareLineEnding: false });
    expect(input.slice(outcome.consumed)).toBe("QUIT\r\n");
  });

  it("leaves an undecided tail (a trailing CR, a dot at a line start) for the next write", () => {
    expect(whole("abc\r")).toMatchObject({ done: false, consumed: 3, message: "abc" });
    expect(whole("abc\r\n.")).toMatchObject({ done: false, consumed: 5 });
    expect(whole("abc\r\n.\r")).toMatchObject({ done: false, consumed: 5, message: "abc\r\n" });
    expect(whole("\r")).toMatchObject({ done: false, consumed: 0 });
  });

  it("finds the end when it is split at every possible pair of chunk boundaries", () => {
    const input = Buffer.from("l1\r\n..l2\r\nl3\r\n.\r\nNEXT", "latin1");
    const expected = reference(input);
    expect(expected).toMatchObject({ done: true, message: "l1\r\n.l2\r\nl3\r\n", consumed: input.length - 4 });
    for (let i = 0; i <= input.length; i++) {
      for (let j = i; j <= input.length; j++) {
        const outcome = feed([input.subarray(0, i), input.subarray(i, j), input.subarray(j)]);
        expect(outcome, `split at ${i},${j}`).toEqual(expected);
      }
    }
  });

  it("byte by byte gives the same result as all at once", () => {
    const input = Buffer.from(stuff("a\r\n.b\r\n..\r\n\r\n.\r\nend\r\n"), "latin1");
    const pieces = [...input].map((byte) => Buffer.from([byte]));
    expect(feed(pieces)).toEqual(whole(input));
    expect(whole(input)).toMatchObject({ done: true, consumed: input.length, message: "a\r\n.b\r\n..\r\n\r\n.\r\nend\r\n" });
  });

  it("keeps every byte value other than the line structure (NUL, 0xFF, 8-bit)", () => {
    const body = Buffer.from([0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, 0x2e, 0x2e, CR, LF]);
    const outcome = whole(Buffer.concat([body, Buffer.from(".\r\n")]));
    expect(outcome.done).toBe(true);
    expect(Buffer.from(outcome.message, "latin1")).toEqual(body);
  });
});

describe("DotDataDecoder: smuggling sequences never end the data", () => {
  // CVE-2023-51764 (Postfix), CVE-2023-51765 (Sendmail), CVE-2023-51766 (Exim): each of these
  // was taken for the end of data by some receiver and let a second message be smuggled in.
  const variants: Record<string, string> = {
    "<LF>.<LF>": "\n.\n",
    "<CR>.<LF>": "\r.\n",
    "<LF>.<CR><LF>": "\n.\r\n",
    "<CR><LF>.<LF>": "\r\n.\n",
    "<LF>.<CR>": "\n.\r",
    "<CR>.<CR><LF>": "\r.\r\n",
  };
  const smuggled = "MAIL FROM:<evil@attacker.test>\r\nRCPT TO:<victim@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nhi\r\n";

  for (const [name, sequence] of Object.entries(variants)) {
    it(`${name} is data, sets bareLineEnding, and the real <CRLF>.<CRLF> still ends it`, () => {
      const before = `Subject: first\r\n\r\nhello${sequence}${smuggled}`;
      const input = Buffer.from(`${before}.\r\nQUIT\r\n`, "latin1");
      const outcome = whole(input);
      expect(outcome.done).toBe(true);
      expect(outcome.bareLineEnding).toBe(true);
      expect(outcome.consumed).toBe(before.length + 3);
      expect(outcome.message).toContain("MAIL FROM:<evil@attacker.test>");
      // The same in every two-way split: a segment boundary inside the sequence changes nothing.
      for (let i = 0; i <= input.length; i++) {
        expect(feed([input.subarray(0, i), input.subarray(i)]), `split at ${i}`).toEqual(outcome);
      }
    });

    it(`${name} alone, at the end of what was sent, does not finish the data`, () => {
      const outcome = whole(`hello${sequence}`);
      expect(outcome.done).toBe(false);
      const more = whole(`hello${sequence}x\r\n`);
      expect(more.done).toBe(false);
      expect(more.bareLineEnding).toBe(true);
    });
  }
});

describe("DotDataDecoder: size limit", () => {
  it("sets overflow, keeps consuming to the end, and truncates the message to the limit", () => {
    const input = "abcdefg\r\n.\r\nQUIT\r\n";
    const outcome = whole(input, 5);
    expect(outcome.done).toBe(true);
    expect(outcome.overflow).toBe(true);
    expect(outcome.consumed).toBe(12);
    // The doc comment of DotDataDecoder.chunks: "Everything of the message, dot-unstuffed, up to the size limit."
    expect(outcome.message).toBe("abcde");
  });

  it("the truncated message doesn't depend on how the input was split", () => {
    const input = Buffer.from("abcdefg\r\n.\r\n", "latin1");
    const split = feed([input.subarray(0, 3), input.subarray(3)], 5);
    expect(split.overflow).toBe(true);
    expect(split.message).toBe("abcde");
    expect(split.message).not.toContain("\u0000");
  });

  it("a message of exactly the limit is not an overflow", () => {
    const outcome = whole("abc\r\n.\r\n", 5);
    expect(outcome).toMatchObject({ done: true, overflow: false, message: "abc\r\n" });
  });

  it("100 KB over a 1 KB limit: consumed to the end, nothing past the limit kept", () => {
    const line = "x".repeat(998) + "\r\n";
    const input = Buffer.from(line.repeat(100) + ".\r\n", "latin1");
    const decoder = new DotDataDecoder(1024);
    expect(decoder.write(input)).toBe(input.length);
    expect(decoder.done).toBe(true);
    expect(decoder.overflow).toBe(true);
    expect(decoder.chunks.reduce((n, c) => n + c.length, 0)).toBeLessThanOrEqual(1024);
    expect(decoder.message().length).toBeLessThanOrEqual(1024);
  });
});

describe("DotDataDecoder: fuzz", () => {
  const ALPHABET = [DOT, CR, LF, 0x61, 0x00, 0xff];

  function randomInput(random: Random): Buffer {
    const length = random.between(0, 40);
    const bytes: number[] = [];
    for (let i = 0; i < length; i++) {
      // Now and then a whole CRLF or CRLF-dot, so that ends and stuffed lines are common.
      const roll = random.int(10);
      if (roll === 0) bytes.push(CR, LF);
      else if (roll === 1) bytes.push(CR, LF, DOT);
      else bytes.push(random.pick(ALPHABET));
    }
    return Buffer.from(bytes);
  }

  function randomMessage(random: Random): string {
    const lines: string[] = [];
    for (let n = random.int(8); n > 0; n--) {
      let line = "";
      for (let k = random.int(6); k > 0; k--) line += random.pick([".", "a", "\u0000", "\u00ff", "."]);
      lines.push(line);
    }
    return lines.map((l) => `${l}\r\n`).join("");
  }

  it("2,000 random inputs: whole and random chunk splits agree with each other and with the reference", () => {
    const random = seeded(0x5eed01);
    let ended = 0;
    for (let i = 0; i < 2000; i++) {
      const input = randomInput(random);
      const expected = reference(input);
      const all = whole(input);
      expect(all, `case ${i}: ${JSON.stringify(input.toString("latin1"))}`).toEqual(expected);
      for (let s = 0; s < 3; s++) {
        expect(feed(randomSplit(random, input)), `case ${i} split ${s}: ${JSON.stringify(input.toString("latin1"))}`).toEqual(expected);
      }
      if (all.done) ended++;
      // Re-stuffing the message gives back what was consumed, when the input had clean CRLF
      // lines and every line-start dot was a stuffed one (a lone ".x" loses its dot by design).
      const consumed = input.subarray(0, all.consumed).toString("latin1");
      if (all.done && !all.bareLineEnding && !/(^|\r\n)\.(?!\.|\r\n)/.test(consumed)) {
        expect(stuff(all.message), `case ${i}`).toBe(consumed);
      }
    }
    expect(ended).toBeGreaterThan(200);
  });

  it("2,000 random messages survive stuffing, random splits and decoding unchanged", () => {
    const random = seeded(0x5eed02);
    for (let i = 0; i < 2000; i++) {
      const message = randomMessage(random);
      const input = Buffer.from(stuff(message) + "NEXT COMMAND\r\n", "latin1");
      const outcome = feed(randomSplit(random, input));
      expect(outcome, `case ${i}: ${JSON.stringify(message)}`).toEqual({
        done: true,
        consumed: input.length - "NEXT COMMAND\r\n".length,
        message,
        bareLineEnding: false,
        overflow: false,
      });
    }
  });

  it("2,000 random inputs under a small size limit: overflow and the kept prefix don't depend on the split", () => {
    const random = seeded(0x5eed03);
    for (let i = 0; i < 2000; i++) {
      const input = randomInput(random);
      const limit = random.int(24);
      const expected = reference(input, limit);
      const label = `case ${i}, limit ${limit}: ${JSON.stringify(input.toString("latin1"))}`;
      expect(whole(input, limit), label).toEqual(expected);
      expect(feed(randomSplit(random, input), limit), label).toEqual(expected);
    }
  });
});
