// Bulk actions on messages: one UID SEARCH per flag (to learn which messages really change, for undo),
// one UID STORE per flag and one UID MOVE for the whole selection, never a command per message.
import "server-only";
import type { ImapFlow, SearchObject } from "imapflow";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import { inverseAction, parseUidSet, toUidSet, type AppliedChange, type BulkAction, type BulkFlag } from "./uid-set";

export interface BulkResult {
  /** The action that undoes this one, or null when it cannot be undone. */
  undo: BulkAction | null;
  /** How many messages it touched. */
  count: number;
}

/** The search for messages in `range` whose flag is not yet as asked (so the STORE changes them). */
function pendingQuery(range: string, flag: BulkFlag, add: boolean): SearchObject {
  const has = !add;
  switch (flag) {
    case "\\Seen":
      return { uid: range, seen: has };
    case "\\Flagged":
      return { uid: range, flagged: has };
    case "\\Answered":
      return { uid: range, answered: has };
    default:
      return has ? { uid: range, keyword: flag } : { uid: range, unKeyword: flag };
  }
}

/** The UID range a set names; "all" stops below `below` when given (null: nothing, the folder was empty then). */
function rangeOf(uids: string, below: number | undefined): string | null {
  if (uids !== "all") {
    if (parseUidSet(uids) === null) throw new Error("not a UID set");
    return uids;
  }
  if (below === undefined) return "1:*";
  return below > 1 ? `1:${below - 1}` : null;
}

async function searchUids(client: ImapFlow, query: SearchObject): Promise<number[]> {
  const found = await client.search(query, { uid: true });
  return Array.isArray(found) ? found : [];
}

export async function applyBulkAction(session: ImapSession, action: BulkAction): Promise<BulkResult> {
  const range = rangeOf(action.uids, action.below);
  return session.withMailbox(action.folder, async (client, mailbox) => {
    if (mailbox.exists === 0 || range === null) return { undo: null, count: 0 };
    const applied: AppliedChange[] = [];
    for (const change of action.flags) {
      const scope = rangeOf(change.uids, action.below);
      if (scope === null) continue;
      const changed = await searchUids(client, pendingQuery(scope, change.flag, change.add));
      if (changed.length === 0) continue;
      // Only the messages that change are stored, so an undo clears exactly what this set.
      const set = toUidSet(changed);
      if (change.add) await client.messageFlagsAdd(set, [change.flag], { uid: true });
      else await client.messageFlagsRemove(set, [change.flag], { uid: true });
      applied.push({ flag: change.flag, add: change.add, changed });
    }
    let count = new Set(applied.flatMap((change) => change.changed)).size;
    const to = action.to === action.folder ? undefined : action.to;
    let uidMap: Map<number, number> | null = null;
    if (to !== undefined) {
      const moved = await client.messageMove(range, to, { uid: true });
      uidMap = moved && moved.uidMap ? moved.uidMap : null;
      count = uidMap?.size ?? count;
    }
    const undo = inverseAction({ ...action, to }, applied, uidMap);
    return { undo, count };
  });
}

/** Removes messages for good (\Deleted + UID EXPUNGE of just them); "all" empties the folder (below `below`). */
export async function deleteForGood(session: ImapSession, folder: string, uids: string, below?: number): Promise<void> {
  const range = rangeOf(uids, below);
  await session.withMailbox(folder, async (client, mailbox) => {
    if (mailbox.exists > 0 && range !== null) await client.messageDelete(range, { uid: true });
  });
}
