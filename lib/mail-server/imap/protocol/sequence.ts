// Sequence sets (RFC 3501 §9 sequence-set, RFC 5182 "$"): parsing a client's set, testing
// membership, expanding it within bounds, and writing UID sets compactly for UIDPLUS
// (RFC 4315 COPYUID/APPENDUID) and ESEARCH. Pure.
import { ImapSyntaxError } from "./tokens";

/** A message number or UID; "*" is the largest one in use, resolved only when the mailbox is known. */
export type SeqBound = number | "*";

/** As written: "5:2" is kept as from 5 to 2 and means 2..5 (RFC 3501 §9, seq-range). */
export interface SeqRange {
  from: SeqBound;
  to: SeqBound;
}

/** saved: "$", the result saved by SEARCH RETURN (SAVE) (RFC 5182); the session substitutes it. */
export type SequenceSet = { saved: false; ranges: SeqRange[] } | { saved: true };

export const MAX_UID = 0xffffffff;
/** A 64 KiB line can't carry a longer set anyway; this keeps a set alone from costing more. */
export const MAX_SEQUENCE_SET_LENGTH = 64 * 1024;

const NUMBER = /^[1-9][0-9]{0,9}$/;

function bound(text: string): SeqBound {
  if (text === "*") return "*";
  // nz-number: no zero, no leading zeros; uniqueid and message numbers are 32-bit.
  if (!NUMBER.test(text)) throw new ImapSyntaxError("Invalid sequence set");
  const value = Number(text);
  if (value > MAX_UID) throw new ImapSyntaxError("Invalid sequence set: number out of range");
  return value;
}

/**
 * Throws ImapSyntaxError for anything but a sequence-set. "$" is accepted only with allowSaved
 * (a server advertising SEARCHRES), so a session without it never meets a saved set.
 */
export function parseSequenceSet(text: string, options: { allowSaved?: boolean; maxLength?: number } = {}): SequenceSet {
  if (text.length > (options.maxLength ?? MAX_SEQUENCE_SET_LENGTH)) throw new ImapSyntaxError("Sequence set too long", { code: "LIMIT" });
  if (text === "$") {
    if (!options.allowSaved) throw new ImapSyntaxError("Invalid sequence set: $ needs SEARCHRES");
    return { saved: true };
  }
  if (text === "") throw new ImapSyntaxError("Empty sequence set");
  const ranges: SeqRange[] = [];
  for (const element of text.split(",")) {
    const colon = element.indexOf(":");
    if (colon === -1) {
      const value = bound(element);
      ranges.push({ from: value, to: value });
    } else {
      ranges.push({ from: bound(element.slice(0, colon)), to: bound(element.slice(colon + 1)) });
    }
  }
  return { saved: false, ranges };
}

function resolved(set: SequenceSet): SeqRange[] {
  // A programming error, not the client's: "$" must be replaced by the saved result first.
  if (set.saved) throw new Error('Sequence set "$" must be resolved by the session before use');
  return set.ranges;
}

function limits(range: SeqRange, max: number): [number, number] {
  const a = range.from === "*" ? max : range.from;
  const b = range.to === "*" ? max : range.to;
  return a <= b ? [a, b] : [b, a];
}

/**
 * Whether n is in the set when "*" is max. "100:*" with max 50 is 50:100, so it holds 50: a
 * UID range ending in "*" always includes the last message (RFC 3501 §6.4.8).
 */
export function contains(set: SequenceSet, n: number, max: number): boolean {
  for (const range of resolved(set)) {
    const [lo, hi] = limits(range, max);
    if (n >= lo && n <= hi) return true;
  }
  return false;
}

/** Sorted, merged, non-overlapping [from, to] ranges within 1..max: what a store query wants. */
export function toRanges(set: SequenceSet, max: number): Array<[number, number]> {
  const clipped: Array<[number, number]> = [];
  for (const range of resolved(set)) {
    const [lo, hi] = limits(range, max);
    const from = Math.max(lo, 1);
    const to = Math.min(hi, max);
    if (from <= to) clipped.push([from, to]);
  }
  clipped.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const [from, to] of clipped) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/**
 * Every number of the set within 1..max, ascending, without duplicates. Throws RangeError past
 * cap numbers, so "1:4294967295" can't allocate gigabytes; the caller answers NO or uses
 * toRanges instead.
 */
export function expand(set: SequenceSet, max: number, cap: number): number[] {
  const ranges = toRanges(set, max);
  let count = 0;
  for (const [from, to] of ranges) count += to - from + 1;
  if (count > cap) throw new RangeError(`Sequence set names ${count} messages, more than ${cap}`);
  const out = new Array<number>(count);
  let i = 0;
  for (const [from, to] of ranges) for (let n = from; n <= to; n++) out[i++] = n;
  return out;
}

/**
 * Whether the set names a number above max (other than through "*"). For message sequence
 * numbers that is a client error (RFC 9051 asks for BAD); for UIDs it is normal and means nothing.
 */
export function exceeds(set: SequenceSet, max: number): boolean {
  return resolved(set).some((range) => (range.from !== "*" && range.from > max) || (range.to !== "*" && range.to > max));
}

/** "1:3,5,7:9" from numbers (sorted ascending or not; duplicates dropped). "" for none. */
export function formatUidSet(numbers: readonly number[]): string {
  let sorted = numbers;
  for (let i = 1; i < numbers.length; i++) {
    if (numbers[i] <= numbers[i - 1]) {
      sorted = [...new Set(numbers)].sort((a, b) => a - b);
      break;
    }
  }
  const out: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i];
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i] + 1) i++;
    out.push(start === sorted[i] ? String(start) : `${start}:${sorted[i]}`);
    i++;
  }
  return out.join(",");
}
