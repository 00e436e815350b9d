// IMAP SORT (RFC 5256), which imapflow does not wrap. It is registered as an imapflow command so it runs
// through imapflow's own queue: an IDLE in progress is broken first and IDLE resumes afterwards.
import "server-only";
import type { ImapFlow, SearchObject } from "imapflow";
import { searchCompiler } from "imapflow/lib/search-compiler.js";

export type SortKey = "date" | "arrival" | "from" | "subject" | "size";

interface Atom {
  type: "ATOM";
  value: string;
}

/** imapflow's command arguments: an array is sent as a parenthesised list; strings and literals as values. */
type Argument = Atom | { type: string; value?: unknown } | Argument[];

interface Untagged {
  attributes?: Array<{ type?: string; value?: unknown }>;
  numbers?: number[];
}

/** The parts of imapflow's connection that are internal (not in its typings) and used here. */
interface ConnectionInternals {
  commands: Map<string, (connection: ConnectionInternals, ...args: never[]) => Promise<unknown>>;
  run(command: string, ...args: unknown[]): Promise<unknown>;
  exec(command: string, attributes: Argument[], options: { untagged: Record<string, (untagged: Untagged) => Promise<void>> }): Promise<{ next(): void }>;
}

const COMMAND = "X-WEBMAIL-UID-SORT";
const CRITERIA: Record<SortKey, string> = { date: "DATE", arrival: "ARRIVAL", from: "FROM", subject: "SUBJECT", size: "SIZE" };

function internals(client: ImapFlow): ConnectionInternals | null {
  const candidate = client as unknown as Partial<ConnectionInternals>;
  return candidate.commands instanceof Map && typeof candidate.run === "function" && typeof candidate.exec === "function"
    ? (candidate as ConnectionInternals)
    : null;
}

/**
 * The UIDs of an ESORT `ALL` sequence-set in the order written (RFC 5267 §3.2: ESORT keeps the sort
 * order; "a:b" is the run from a to b). Null when it is malformed or names more than `limit` UIDs, so a
 * broken or hostile server can't make the webmail allocate without bound.
 */
export function parseOrderedUidSet(set: string, limit: number): Uint32Array | null {
  if (!/^\d+(?::\d+)?(?:,\d+(?::\d+)?)*$/.test(set)) return null;
  const runs = set.split(",").map((part) => part.split(":").map(Number));
  let count = 0;
  for (const [a, b = a] of runs) {
    if (a < 1 || b < 1 || a > 0xffffffff || b > 0xffffffff) return null;
    count += Math.abs(b - a) + 1;
    if (count > limit) return null;
  }
  const uids = new Uint32Array(count);
  let at = 0;
  for (const [a, b = a] of runs) {
    const step = b >= a ? 1 : -1;
    for (let uid = a; uid !== b + step; uid += step) uids[at++] = uid;
  }
  return uids;
}

interface SortRequest {
  criteria: Argument[];
  /** Most UIDs the answer may hold: the folder's message count, with room for arrivals during the SORT. */
  limit: number;
}

/**
 * One UID SORT. With ESORT (RFC 5267) the answer is one sequence-set, "1:99000,99002,…", a few bytes
 * for a folder whose dates follow arrival; plain SORT sends every UID as its own token, and imapflow
 * makes an object of each: ~10 MB of short-lived objects for 100,000 messages, per signed-in user.
 */
async function uidSort(connection: ConnectionInternals, { criteria, limit }: SortRequest, extended: boolean): Promise<Uint32Array> {
  let uids: Uint32Array | null = null;
  const plain: number[] = [];
  let malformed = false;
  const attributes = extended ? [{ type: "ATOM", value: "RETURN" } as Atom, [{ type: "ATOM", value: "ALL" } as Atom], ...criteria] : criteria;
  const response = await connection.exec("UID SORT", attributes, {
    untagged: {
      ESEARCH: async (untagged) => {
        const items = untagged.attributes ?? [];
        const all = items.findIndex((item) => typeof item.value === "string" && item.value.toUpperCase() === "ALL");
        // No ALL: nothing matched (RFC 4731 §3.1 leaves out what would be empty).
        if (all < 0) return;
        const set = items[all + 1]?.value;
        uids = typeof set === "string" ? parseOrderedUidSet(set, limit) : null;
        if (uids === null) malformed = true;
      },
      SORT: async (untagged) => {
        for (const value of untagged.numbers ?? []) plain.push(value);
        for (const attribute of untagged.attributes ?? []) {
          const uid = Number(attribute.value);
          if (Number.isSafeInteger(uid) && uid > 0) plain.push(uid);
        }
        if (plain.length > limit) malformed = true;
      },
    },
  });
  response.next();
  if (malformed) throw new Error("the server's SORT answer is malformed or lists more messages than the folder holds");
  return uids ?? Uint32Array.from(plain);
}

/** SEARCH criteria as imapflow writes them, without the CHARSET it adds for SEARCH (SORT names its own). */
function searchKeys(client: ImapFlow, query: SearchObject | undefined): Argument[] {
  if (!query) return [{ type: "ATOM", value: "ALL" }];
  const keys = searchCompiler(client, query) as Argument[];
  const first = keys[0];
  return first && !Array.isArray(first) && first.type === "ATOM" && first.value === "CHARSET" ? keys.slice(2) : keys;
}

/**
 * UIDs of the selected mailbox in the order asked, sorted by the server — all of them, or those
 * matching `query` —, or null when the server has no SORT (then the caller falls back to UID order,
 * which is arrival order). The server is asked for the ascending order and the result reversed here:
 * a descending answer has no ranges to compress into. Messages equal under the key then come newest
 * UID first, which is what a reversed list should show.
 */
export async function sortedUids(client: ImapFlow, key: SortKey, reverse: boolean, messageCount: number, query?: SearchObject): Promise<Uint32Array | null> {
  const connection = internals(client);
  if (!client.capabilities.has("SORT") || connection === null) return null;
  if (!connection.commands.has(COMMAND)) connection.commands.set(COMMAND, uidSort as never);
  const atom = (value: string): Atom => ({ type: "ATOM", value });
  const request: SortRequest = { criteria: [[atom(CRITERIA[key])], atom("UTF-8"), ...searchKeys(client, query)], limit: messageCount + 10_000 };
  const result = await connection.run(COMMAND, request, client.capabilities.has("ESORT"));
  if (!(result instanceof Uint32Array)) return null;
  return reverse ? result.reverse() : result;
}
