// Sequence sets (RFC 3501 §9, RFC 5182 "$"): parsing, membership with "*", bounded
// expansion, ranges for store queries, and compact UID sets for UIDPLUS and ESEARCH.
import { describe, expect, it } from "vitest";
import { contains, exceeds, expand, formatUidSet, MAX_UID, parseSequenceSet, toRanges } from "@/lib/mail-server/imap/protocol/sequence";
import { ImapSyntaxError } from "@/lib/mail-server/imap/protocol/tokens";
import { seeded } from "../helpers/random";

describe("parseSequenceSet", () => {
  it("reads numbers, ranges, * and $", () => {
    expect(parseSequenceSet("1")).toEqual({ saved: false, ranges: [{ from: 1, to: 1 }] });
    expect(parseSequenceSet("2:4,7,9:*,*,*:3")).toEqual({
      saved: false,
      ranges: [
        { from: 2, to: 4 },
        { from: 7, to: 7 },
        { from: 9, to: "*" },
        { from: "*", to: "*" },
        { from: "*", to: 3 },
      ],
    });
    expect(parseSequenceSet(String(MAX_UID)).saved).toBe(false);
    expect(parseSequenceSet("$", { allowSaved: true })).toEqual({ saved: true });
  });

  it("refuses malformed sets", () => {
    for (const bad of ["", "0", "01", "1:0", "1,", ",1", "1,,2", "1:", ":1", "1:2:3", "a", "1 2", "-1", "1.5", "**", "$,1", "1:$", String(MAX_UID + 1), "99999999999"]) {
      expect(() => parseSequenceSet(bad), bad).toThrow(ImapSyntaxError);
    }
    // "$" is SEARCHRES's (RFC 5182): refused unless the session says it supports it.
    expect(() => parseSequenceSet("$")).toThrow(ImapSyntaxError);
    expect(() => parseSequenceSet("$,1", { allowSaved: true })).toThrow(ImapSyntaxError);
  });

  it("bounds the text it will read", () => {
    const long = Array.from({ length: 20_000 }, (_, i) => i + 1).join(",");
    expect(long.length).toBeGreaterThan(65_536);
    expect(() => parseSequenceSet(long)).toThrow(/too long/);
    expect(parseSequenceSet(long, { maxLength: 200_000 }).saved).toBe(false);
  });
});

describe("contains, toRanges, expand, exceeds", () => {
  it("reads * as the largest number, in either order", () => {
    const set = parseSequenceSet("2:4,10:*");
    expect([1, 2, 3, 4, 5, 9, 10, 20].filter((n) => contains(set, n, 20))).toEqual([2, 3, 4, 10, 20]);
    expect(contains(parseSequenceSet("*"), 7, 7)).toBe(true);
    expect(contains(parseSequenceSet("*"), 6, 7)).toBe(false);
    expect(contains(parseSequenceSet("5:2"), 3, 10)).toBe(true);
  });

  it("always includes the last message in n:* even when n is above it (RFC 3501 §6.4.8)", () => {
    const set = parseSequenceSet("100:*");
    expect(contains(set, 50, 50)).toBe(true);
    expect(contains(set, 49, 50)).toBe(false);
    expect(expand(set, 50, 10)).toEqual([50]);
  });

  it("merges and clips ranges to 1..max", () => {
    expect(toRanges(parseSequenceSet("7,1:3,2:5,9:*,12"), 10)).toEqual([
      [1, 5],
      [7, 7],
      [9, 10],
    ]);
    expect(toRanges(parseSequenceSet("1:*"), 0)).toEqual([]);
    expect(toRanges(parseSequenceSet("20:30"), 10)).toEqual([]);
  });

  it("expands within a cap, sorted and without duplicates", () => {
    expect(expand(parseSequenceSet("5,1:3,2,*"), 8, 100)).toEqual([1, 2, 3, 5, 8]);
    expect(() => expand(parseSequenceSet(`1:${MAX_UID}`), MAX_UID, 1_000_000)).toThrow(RangeError);
    expect(expand(parseSequenceSet(`1:${MAX_UID}`), 3, 10)).toEqual([1, 2, 3]);
  });

  it("tells when a message number is past the end (other than through *)", () => {
    expect(exceeds(parseSequenceSet("1:5"), 5)).toBe(false);
    expect(exceeds(parseSequenceSet("1:*"), 5)).toBe(false);
    expect(exceeds(parseSequenceSet("6"), 5)).toBe(true);
    expect(exceeds(parseSequenceSet("*:6"), 5)).toBe(true);
  });

  it("makes the session resolve $ first", () => {
    expect(() => contains(parseSequenceSet("$", { allowSaved: true }), 1, 1)).toThrow(/resolved/);
  });
});

describe("formatUidSet", () => {
  it("compresses runs", () => {
    expect(formatUidSet([1, 2, 3, 5, 7, 8, 9])).toBe("1:3,5,7:9");
    expect(formatUidSet([4])).toBe("4");
    expect(formatUidSet([])).toBe("");
    expect(formatUidSet([3955, 3956])).toBe("3955:3956");
    expect(formatUidSet([9, 1, 3, 2, 2, 8])).toBe("1:3,8:9");
  });

  it("round-trips through the parser", () => {
    const random = seeded(4315);
    for (let i = 0; i < 200; i++) {
      const numbers = [...new Set(Array.from({ length: random.int(30) + 1 }, () => random.between(1, 60)))].sort((a, b) => a - b);
      const text = formatUidSet(numbers);
      expect(expand(parseSequenceSet(text), 60, 100), text).toEqual(numbers);
    }
  });
});
