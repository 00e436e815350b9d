// IMAP THREAD=REFERENCES (RFC 5256), which imapflow does not wrap; registered as an imapflow command like
// UID SORT in sort.ts, so it runs in imapflow's queue (IDLE is broken first and resumes after).
import "server-only";
import type { ImapFlow } from "imapflow";

interface Atom {
  type: "ATOM";
  value: string;
}

interface Untagged {
  attributes?: unknown[];
}

interface ConnectionInternals {
  commands: Map<string, (connection: ConnectionInternals, ...args: never[]) => Promise<unknown>>;
  run(command: string, ...args: unknown[]): Promise<unknown>;
  exec(command: string, attributes: Atom[], options: { untagged: Record<string, (untagged: Untagged) => Promise<void>> }): Promise<{ next(): void }>;
}

const COMMAND = "X-WEBMAIL-UID-THREAD";

function internals(client: ImapFlow): ConnectionInternals | null {
  const candidate = client as unknown as Partial<ConnectionInternals>;
  return candidate.commands instanceof Map && typeof candidate.run === "function" && typeof candidate.exec === "function"
    ? (candidate as ConnectionInternals)
    : null;
}

/** Every UID in one thread's parenthesised tree, in the order the server wrote them (parents first). */
export function flattenThread(node: unknown, into: number[] = []): number[] {
  if (Array.isArray(node)) {
    for (const child of node) flattenThread(child, into);
  } else if (typeof node === "object" && node !== null && "value" in node) {
    const uid = Number((node as { value: unknown }).value);
    if (Number.isSafeInteger(uid) && uid > 0) into.push(uid);
  } else if (typeof node === "number" && Number.isSafeInteger(node) && node > 0) {
    into.push(node);
  }
  return into;
}

async function uidThread(connection: ConnectionInternals): Promise<number[][]> {
  const threads: number[][] = [];
  const response = await connection.exec("UID THREAD", [
    { type: "ATOM", value: "REFERENCES" },
    { type: "ATOM", value: "UTF-8" },
    { type: "ATOM", value: "ALL" },
  ], {
    untagged: {
      THREAD: async (untagged) => {
        // Each top-level list is one thread; a bare number at the top is a thread of its own.
        for (const node of untagged.attributes ?? []) {
          const uids = flattenThread(node);
          if (uids.length > 0) threads.push(uids);
        }
      },
    },
  });
  response.next();
  return threads;
}

/** The selected mailbox's threads as UID lists, or null when the server has no THREAD=REFERENCES. */
export async function threadUids(client: ImapFlow): Promise<number[][] | null> {
  const connection = internals(client);
  if (!client.capabilities.has("THREAD=REFERENCES") || connection === null) return null;
  if (!connection.commands.has(COMMAND)) connection.commands.set(COMMAND, uidThread as never);
  const result = await connection.run(COMMAND);
  return Array.isArray(result) ? (result as number[][]) : null;
}
