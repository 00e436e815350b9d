// UID sets as IMAP writes them (RFC 3501 sequence-set: "1:5,9,12:14"), and the inverse of a bulk action
// for "undo". Pure, shared by the route handlers and the browser, so it holds no I/O.

/** A sorted, de-duplicated UID set in IMAP's compact form; "" for none. */
export function toUidSet(uids: Iterable<number>): string {
  const sorted = [...new Set(uids)].filter((uid) => Number.isSafeInteger(uid) && uid > 0).sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

const MAX_UID = 0xffffffff;

/** A UIDNEXT from the browser: a whole number from 1 to 2^32; undefined when absent, null when invalid. */
export function uidBound(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= MAX_UID + 1 ? value : null;
}

/**
 * The UIDs of a set written by a client or a server; null when it is not a valid set of known size
 * ("*" is refused: an undo must name the messages it changes) or when it names more than `limit`.
 */
export function parseUidSet(set: string, limit = 1_000_000): number[] | null {
  if (!/^\d+(?::\d+)?(?:,\d+(?::\d+)?)*$/.test(set)) return null;
  const uids: number[] = [];
  for (const part of set.split(",")) {
    const [a, b = a] = part.split(":").map(Number);
    const low = Math.min(a, b);
    const high = Math.max(a, b);
    if (low < 1 || high > MAX_UID || uids.length + (high - low + 1) > limit) return null;
    for (let uid = low; uid <= high; uid++) uids.push(uid);
  }
  return uids;
}

/** The flags a bulk action may set or clear. Keywords $Junk/$NotJunk are the spam training marks. */
export const BULK_FLAGS = ["\\Seen", "\\Flagged", "\\Answered", "$Junk", "$NotJunk"] as const;
export type BulkFlag = (typeof BULK_FLAGS)[number];

export function isBulkFlag(value: unknown): value is BulkFlag {
  return typeof value === "string" && (BULK_FLAGS as readonly string[]).includes(value);
}

/** One flag set on (add) or cleared from (remove) a set of messages. */
export interface FlagChange {
  flag: BulkFlag;
  add: boolean;
  uids: string;
}

/** A bulk action: flag changes in `folder`, then (optionally) a move of the same messages to `to`. */
export interface BulkAction {
  folder: string;
  /** The messages, as a UID set, or "all" for every message of the folder. */
  uids: string;
  /**
   * With "all": only UIDs below this (the UIDNEXT of the list the user saw), so mail that arrives
   * between "select all" and the action is left alone. Without it, "all" is every message.
   */
  below?: number;
  flags: FlagChange[];
  to?: string;
}

/** What the server did, per flag: the UIDs whose flag really changed (already-set ones are not undone). */
export interface AppliedChange {
  flag: BulkFlag;
  add: boolean;
  changed: number[];
}

/** Where each moved message landed: COPYUID / UIDPLUS, source UID → destination UID. */
export type UidMap = ReadonlyMap<number, number> | Array<[number, number]>;

/**
 * The action that undoes one that was applied: the flags that really changed go back, on the messages'
 * new UIDs when they moved, and moved messages move back. Null when there is nothing to undo, or when a
 * move happened but the server gave no UID mapping (no UIDPLUS), so the moved messages cannot be named.
 */
export function inverseAction(action: BulkAction, applied: AppliedChange[], uidMap: UidMap | null): BulkAction | null {
  const map = uidMap ? new Map(uidMap) : null;
  if (action.to !== undefined && (map === null || map.size === 0)) return null;
  const translate = (uids: number[]) => (map ? uids.map((uid) => map.get(uid)).filter((uid): uid is number => uid !== undefined) : uids);
  const flags = applied
    .map((change): FlagChange => ({ flag: change.flag, add: !change.add, uids: toUidSet(translate(change.changed)) }))
    .filter((change) => change.uids !== "");
  if (action.to !== undefined && map) {
    const uids = toUidSet(map.values());
    return { folder: action.to, uids, flags, to: action.folder };
  }
  if (flags.length === 0) return null;
  const uids = toUidSet(flags.flatMap((change) => parseUidSet(change.uids) ?? []));
  return { folder: action.folder, uids, flags };
}
