// IMAP SORT (RFC 5256), which imapflow does not wrap. It is registered as an imapflow command so it runs
// through imapflow's own queue: an IDLE in progress is broken first and IDLE resumes afterwards.
import "server-only";
import type { ImapFlow } from "imapflow";

export type SortKey = "date" | "arrival" | "from" | "subject" | "size";

interface Atom {
  type: "ATOM";
  value: string;
}

/** imapflow's command arguments: an array is sent as a parenthesised list. */
type Argument = Atom | Argument[];

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

async function uidSort(connection: ConnectionInternals, criteria: Argument[]): Promise<number[]> {
  const uids: number[] = [];
  const response = await connection.exec("UID SORT", [...criteria], {
    untagged: {
      SORT: async (untagged) => {
        for (const value of untagged.numbers ?? []) uids.push(value);
        for (const attribute of untagged.attributes ?? []) {
          const uid = Number(attribute.value);
          if (Number.isSafeInteger(uid) && uid > 0) uids.push(uid);
        }
      },
    },
  });
  response.next();
  return uids;
}

/**
 * UIDs of the selected mailbox in the order asked, sorted by the server, or null when the server has no
 * SORT (then the caller falls back to UID order, which is arrival order).
 */
export async function sortedUids(client: ImapFlow, key: SortKey, reverse: boolean): Promise<number[] | null> {
  const connection = internals(client);
  if (!client.capabilities.has("SORT") || connection === null) return null;
  if (!connection.commands.has(COMMAND)) connection.commands.set(COMMAND, uidSort as never);
  const atom = (value: string): Atom => ({ type: "ATOM", value });
  const program = reverse ? [atom("REVERSE"), atom(CRITERIA[key])] : [atom(CRITERIA[key])];
  const result = await connection.run(COMMAND, [program, atom("UTF-8"), atom("ALL")]);
  return Array.isArray(result) ? (result as number[]) : null;
}
