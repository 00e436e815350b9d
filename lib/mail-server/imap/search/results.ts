// What SEARCH, SORT and THREAD share around the criteria: the CHARSET argument, and the
// extended results of ESEARCH (RFC 4731) and ESORT (RFC 5267): RETURN options in, one
// "* ESEARCH (TAG …) [UID] MIN … MAX … COUNT … ALL … [MODSEQ …]" line out. Pure.
import { asAString, asAtom, asList, quoted, untagged, ImapSyntaxError, type ImapToken } from "../protocol";
import { ImapError } from "../session";

export type ReturnOption = "MIN" | "MAX" | "COUNT" | "ALL";
const OPTIONS: readonly ReturnOption[] = ["MIN", "MAX", "COUNT", "ALL"];

/** Charsets search strings may come in; they are compared as UTF-8 either way. */
export function checkCharset(charset: string) {
  const upper = charset.toUpperCase();
  if (upper !== "UTF-8" && upper !== "US-ASCII") throw new ImapError("NO", "Unsupported charset", "BADCHARSET (UTF-8 US-ASCII)");
}

/** Takes "CHARSET x" from the front of SEARCH's arguments, if there. */
export function takeSearchCharset(tokens: ImapToken[]) {
  if (tokens[0]?.type === "atom" && tokens[0].value.toUpperCase() === "CHARSET") {
    tokens.shift();
    checkCharset(asAString(tokens.shift()));
  }
}

/**
 * Takes "RETURN (…)" from the front of the arguments: null when absent (the classic response),
 * otherwise the options, "RETURN ()" meaning ALL (RFC 4731 §3.1). SAVE (RFC 5182) and
 * PARTIAL (RFC 9394) are not offered, so they are unknown options and BAD.
 */
export function takeReturnOptions(tokens: ImapToken[]): Set<ReturnOption> | null {
  if (!(tokens[0]?.type === "atom" && tokens[0].value.toUpperCase() === "RETURN")) return null;
  tokens.shift();
  const options = new Set<ReturnOption>();
  for (const item of asList(tokens.shift())) {
    const word = asAtom(item).toUpperCase();
    const option = OPTIONS.find((o) => o === word);
    if (!option) throw new ImapSyntaxError(`Unknown RETURN option ${word.slice(0, 30)}`);
    options.add(option);
  }
  if (!options.size) options.add("ALL");
  return options;
}

/**
 * A sequence-set of numbers in the order given, runs of consecutive ascending numbers as
 * ranges: "1:3,7,5" (ESORT's ALL keeps the sort order, RFC 5267 §3.2; for ESEARCH the
 * numbers come ascending).
 */
export function orderedSequenceSet(numbers: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < numbers.length) {
    const start = numbers[i];
    while (i + 1 < numbers.length && numbers[i + 1] === numbers[i] + 1) i++;
    out.push(start === numbers[i] ? String(start) : `${start}:${numbers[i]}`);
    i++;
  }
  return out.join(",");
}

export interface Match {
  /** The sequence number or UID the response names. */
  number: number;
  modSeq: bigint;
}

/**
 * The ESEARCH response. MIN and MAX are the first and last of matches (the lowest and highest
 * for SEARCH, whose matches are ascending; the first and last in sort order for ESORT). With
 * modSeq, MODSEQ reports the highest MODSEQ of what is returned: the MIN/MAX messages alone
 * when only they are asked for, all matches otherwise (RFC 4731 §3.2, RFC 7162 §3.1.5).
 */
export function esearchResponse(tag: string, byUid: boolean, options: ReadonlySet<ReturnOption>, matches: readonly Match[], modSeq: boolean): Buffer {
  const parts: string[] = ["ESEARCH", `(TAG ${quoted(tag).toString("latin1")})`];
  if (byUid) parts.push("UID");
  const first = matches[0];
  const last = matches[matches.length - 1];
  if (options.has("MIN") && first) parts.push("MIN", String(first.number));
  if (options.has("MAX") && last) parts.push("MAX", String(last.number));
  if (options.has("COUNT")) parts.push("COUNT", String(matches.length));
  if (options.has("ALL") && matches.length) parts.push("ALL", orderedSequenceSet(matches.map((m) => m.number)));
  if (modSeq && matches.length) {
    const reported = options.has("ALL") || options.has("COUNT") ? matches : [...(options.has("MIN") ? [first] : []), ...(options.has("MAX") ? [last] : [])];
    parts.push("MODSEQ", String(reported.reduce((high, m) => (m.modSeq > high ? m.modSeq : high), 0n)));
  }
  return untagged(...parts);
}
