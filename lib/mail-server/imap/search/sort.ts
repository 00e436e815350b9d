// SORT's order (RFC 5256 §3, DISPLAYFROM/DISPLAYTO from RFC 5957): the sort program a client
// sends, the key each criterion takes from a message, and the comparison. Pure. Strings
// compare with i;ascii-casemap, RFC 5256's default collation: ASCII letters fold to upper
// case, then octets compare (which for UTF-8 is code point order).
import { asAtom, ImapSyntaxError, type ImapToken } from "../protocol";
import type { SortableMessage } from "../../store/message-ops";
import { baseSubject } from "./base-subject";

export type SortKeyName = "ARRIVAL" | "CC" | "DATE" | "FROM" | "SIZE" | "SUBJECT" | "TO" | "DISPLAYFROM" | "DISPLAYTO";

export interface SortCriterion {
  key: SortKeyName;
  reverse: boolean;
}

const KEYS: readonly SortKeyName[] = ["ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO"];

/** sort-criteria: "(" sort-criterion *(SP sort-criterion) ")", each [REVERSE SP] sort-key. */
export function parseSortProgram(items: readonly ImapToken[]): SortCriterion[] {
  const program: SortCriterion[] = [];
  let reverse = false;
  for (const item of items) {
    const word = asAtom(item).toUpperCase();
    if (word === "REVERSE" && !reverse) {
      reverse = true;
      continue;
    }
    const key = KEYS.find((k) => k === word);
    if (!key) throw new ImapSyntaxError(`Unknown sort key ${word.slice(0, 30)}`);
    program.push({ key, reverse });
    reverse = false;
  }
  if (reverse) throw new ImapSyntaxError("REVERSE needs a sort key after it");
  if (!program.length) throw new ImapSyntaxError("SORT needs at least one sort key");
  return program;
}

const ASCII = /^[\x00-\x7f]*$/;

/** i;ascii-casemap: a-z become A-Z, nothing else changes. */
export function asciiCasemap(text: string): string {
  return ASCII.test(text) ? text.toUpperCase() : text.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/** Code point order, which is UTF-8 octet order; plain "<" on UTF-16 puts U+E000–U+FFFF after astral characters. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xAstral = x >= 0xd800 && x <= 0xdfff;
    const yAstral = y >= 0xd800 && y <= 0xdfff;
    if (xAstral !== yAstral) return xAstral ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** addr-mailbox of the first address of "mailbox@host, mailbox@host, …" (as delivery stores them). */
function firstMailbox(addresses: string): string {
  const comma = addresses.indexOf(", ");
  const first = comma === -1 ? addresses : addresses.slice(0, comma);
  const at = first.lastIndexOf("@");
  return at === -1 ? first : first.slice(0, at);
}

/** A message to sort: its sequence number breaks ties; displayTo is needed only for DISPLAYTO. */
export interface SortItem {
  message: SortableMessage;
  seq: number;
  displayTo?: string;
}

type KeyValue = number | string;

function keyOf(key: SortKeyName, item: SortItem): KeyValue {
  const m = item.message;
  switch (key) {
    case "ARRIVAL":
      return m.internalDate.getTime();
    case "DATE":
      // RFC 5256 §2.2: a missing or unparseable Date header means the INTERNALDATE.
      return (m.sentAt ?? m.internalDate).getTime();
    case "SIZE":
      return m.size;
    case "SUBJECT":
      return asciiCasemap(baseSubject(m.subject).base);
    case "FROM":
      return asciiCasemap(firstMailbox(m.fromAddress));
    case "TO":
      return asciiCasemap(firstMailbox(m.toAddresses));
    case "CC":
      return asciiCasemap(firstMailbox(m.ccAddresses));
    case "DISPLAYFROM":
      // RFC 5957 §3: the display name, or the addr-spec where there is none.
      return asciiCasemap(m.fromName || m.fromAddress);
    case "DISPLAYTO":
      return asciiCasemap(item.displayTo ?? "");
  }
}

/** The items in the program's order; ties go by ascending sequence number, REVERSE or not (RFC 5256 §3). */
export function sortItems(items: readonly SortItem[], program: readonly SortCriterion[]): SortItem[] {
  // Each key is computed once per message, not once per comparison.
  const columns = program.map((criterion) => items.map((item) => keyOf(criterion.key, item)));
  const order = Array.from(items.keys());
  order.sort((i, j) => {
    for (let k = 0; k < program.length; k++) {
      const a = columns[k][i];
      const b = columns[k][j];
      const result = typeof a === "number" ? a - (b as number) : compareText(a, b as string);
      if (result !== 0) return program[k].reverse ? -result : result;
    }
    return items[i].seq - items[j].seq;
  });
  return order.map((i) => items[i]);
}
