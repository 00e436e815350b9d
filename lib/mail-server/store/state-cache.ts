// The flags, MODSEQ, INTERNALDATE and size of every message of the mailboxes in use, kept in
// memory between commands the way Dovecot keeps dovecot.index memory-mapped. `UID FETCH 1:*
// (FLAGS)`, what every client sends to resynchronise, read 100,000 rows through SQL and made
// an object per row: ~1.6 s against Dovecot's ~80 ms.
//
// Staying current costs one indexed read of the mailbox row per use: every change to a mailbox
// raises its HIGHESTMODSEQ in the same transaction, and what changed since a MODSEQ is in the
// store (rows by "modSeq", expunges in "ExpungedMessage", never pruned). So a cache brought up
// to date this way is right also after changes made by another process (mailctl), which the
// store's in-process events would miss.
import { COLUMNS, type MessageRow, type MessageState } from "./message-ops";
import { readDate, type SqlRunner } from "./sql";

const SEEN = 1;
const ANSWERED = 2;
const FLAGGED = 4;
const DELETED = 8;
const DRAFT = 16;
const BIT_NAMES: [number, string][] = [
  [SEEN, "\\Seen"],
  [ANSWERED, "\\Answered"],
  [FLAGGED, "\\Flagged"],
  [DELETED, "\\Deleted"],
  [DRAFT, "\\Draft"],
];
const SYSTEM_BITS = new Map(BIT_NAMES.map(([bit, name]) => [name.toLowerCase(), bit]));
/** The system flags of each of the 32 combinations, as FETCH writes them. */
const SYSTEM_FLAG_TEXT = Array.from({ length: 32 }, (_, bits) =>
  BIT_NAMES.filter(([bit]) => bits & bit)
    .map(([, name]) => name)
    .join(" "),
);

/**
 * One mailbox's messages in UID order, column by column: six numbers a message, no object
 * per message for the garbage collector to walk. Indexes are valid until the next await: a
 * refresh may append, update in place or (after expunges) compact.
 */
export class MailboxStates {
  uids: number[] = [];
  /** MODSEQs as numbers: exact up to 2^53, which a counter raised once per change never reaches. */
  modSeqs: number[] = [];
  private bits: number[] = [];
  internalDates: number[] = [];
  sizes: number[] = [];
  contentIds: number[] = [];
  /** Keywords of the few messages that have some, space-separated as stored. */
  private readonly keywords = new Map<number, string>();
  /** Every change up to this MODSEQ is in the columns. */
  modSeq = -1n;

  constructor(
    readonly mailboxId: number,
    readonly uidValidity: number,
  ) {}

  get size(): number {
    return this.uids.length;
  }

  /** The index of uid, or -1; `hint` (the index where the caller expects it) makes a walk in UID order O(1) a step. */
  indexOf(uid: number, hint = -1): number {
    const uids = this.uids;
    if (hint >= 0 && hint < uids.length && uids[hint] === uid) return hint;
    let lo = 0;
    let hi = uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = uids[mid];
      if (at === uid) return mid;
      if (at < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The flags of the message at index i, space-separated, as a FETCH FLAGS list holds them. */
  flagsText(i: number): string {
    const system = SYSTEM_FLAG_TEXT[this.bits[i]];
    const keywords = this.keywords.size ? this.keywords.get(this.uids[i]) : undefined;
    if (!keywords) return system;
    return system ? `${system} ${keywords}` : keywords;
  }

  flags(i: number): string[] {
    const text = this.flagsText(i);
    return text ? text.split(" ") : [];
  }

  /** The message at index i as the store's MessageState. */
  state(i: number): MessageState {
    return { uid: this.uids[i], modSeq: BigInt(this.modSeqs[i]), flags: this.flags(i), internalDate: new Date(this.internalDates[i]), size: this.sizes[i], contentId: this.contentIds[i] };
  }

  /** Whether the message at index i has the flag, given in lower case ("\\seen", "$label1"). */
  hasFlag(i: number, lowerCaseFlag: string): boolean {
    const bit = SYSTEM_BITS.get(lowerCaseFlag);
    if (bit !== undefined) return (this.bits[i] & bit) !== 0;
    const keywords = this.keywords.get(this.uids[i]);
    return keywords !== undefined && keywords.split(" ").some((keyword) => keyword.toLowerCase() === lowerCaseFlag);
  }

  isSeen(i: number): boolean {
    return (this.bits[i] & SEEN) !== 0;
  }

  /** Rows changed since the last refresh, ascending by UID: new UIDs go last, known ones are updated. */
  apply(rows: MessageRow[]) {
    let hint = 0;
    for (const row of rows) {
      let i = this.indexOf(row.uid, hint);
      if (i < 0) {
        // Only a UID above all others can be new: UIDs are never handed out twice.
        if (this.uids.length && row.uid < this.uids[this.uids.length - 1]) continue;
        i = this.uids.length;
        this.uids.push(row.uid);
        this.internalDates.push(readDate(row.internalDate).getTime());
        this.sizes.push(row.size);
        this.contentIds.push(row.contentId);
        this.modSeqs.push(0);
        this.bits.push(0);
      }
      this.modSeqs[i] = Number(row.modSeq);
      this.bits[i] = (row.seen ? SEEN : 0) | (row.answered ? ANSWERED : 0) | (row.flagged ? FLAGGED : 0) | (row.deleted ? DELETED : 0) | (row.draft ? DRAFT : 0);
      if (row.keywords) this.keywords.set(row.uid, row.keywords);
      else this.keywords.delete(row.uid);
      hint = i + 1;
    }
  }

  /** Takes expunged UIDs out, keeping the order. */
  remove(expunged: readonly number[]) {
    const gone = new Set(expunged.filter((uid) => this.indexOf(uid) >= 0));
    if (!gone.size) return;
    const keep = this.uids.map((uid) => !gone.has(uid));
    const filter = (column: number[]) => column.filter((_, i) => keep[i]);
    this.uids = filter(this.uids);
    this.modSeqs = filter(this.modSeqs);
    this.bits = filter(this.bits);
    this.internalDates = filter(this.internalDates);
    this.sizes = filter(this.sizes);
    this.contentIds = filter(this.contentIds);
    for (const uid of gone) this.keywords.delete(uid);
  }
}

interface Entry {
  states: MailboxStates;
  /** The refresh in progress: sessions asking at once read the changes once. */
  refresh: Promise<void>;
}

/** Bounds the memory: about 50 bytes a message, so ~25 MB when full; one larger mailbox is still kept. */
const MAX_MESSAGES = 500_000;

export class StateCache {
  private readonly entries = new Map<number, Entry>();

  constructor(private readonly sql: SqlRunner) {}

  /**
   * The mailbox's messages as they are now: every change committed before the call is in
   * them. Null when the mailbox no longer exists.
   */
  async get(mailboxId: number): Promise<MailboxStates | null> {
    const [mailbox] = await this.sql.query<{ highestModSeq: number | string; uidValidity: number }>(
      `SELECT "highestModSeq", "uidValidity" FROM "Mailbox" WHERE "id" = ?`,
      [mailboxId],
    );
    if (!mailbox) {
      this.entries.delete(mailboxId);
      return null;
    }
    const target = BigInt(mailbox.highestModSeq);
    let entry = this.entries.get(mailboxId);
    if (!entry || entry.states.uidValidity !== mailbox.uidValidity) entry = { states: new MailboxStates(mailboxId, mailbox.uidValidity), refresh: Promise.resolve() };
    // Most recently used last, for eviction.
    this.entries.delete(mailboxId);
    this.entries.set(mailboxId, entry);
    const current = entry;
    current.refresh = current.refresh
      .catch(() => undefined)
      .then(() => (current.states.modSeq >= target ? undefined : this.catchUp(current.states, target)));
    try {
      await current.refresh;
    } catch (error) {
      // A half-applied refresh is not trusted: the next use starts over.
      if (this.entries.get(mailboxId) === current) this.entries.delete(mailboxId);
      throw error;
    }
    this.evict();
    return current.states;
  }

  /** Forgets a mailbox (deleted, or its UIDVALIDITY changed). */
  forget(mailboxId: number) {
    this.entries.delete(mailboxId);
  }

  private async catchUp(states: MailboxStates, target: bigint) {
    if (states.modSeq < 0n) {
      states.apply(await this.sql.query<MessageRow>(`SELECT ${COLUMNS} FROM "MailboxMessage" m JOIN "MessageContent" c ON c."id" = m."contentId" WHERE m."mailboxId" = ? ORDER BY m."uid"`, [states.mailboxId]));
    } else {
      const since = states.modSeq;
      // Expunges first: a UID expunged after this read is still listed, and goes at the next refresh.
      const expunged = await this.sql.query<{ uid: number }>(`SELECT "uid" FROM "ExpungedMessage" WHERE "mailboxId" = ? AND "modSeq" > ?`, [states.mailboxId, since]);
      states.apply(
        await this.sql.query<MessageRow>(
          `SELECT ${COLUMNS} FROM "MailboxMessage" m JOIN "MessageContent" c ON c."id" = m."contentId" WHERE m."mailboxId" = ? AND m."modSeq" > ? ORDER BY m."uid"`,
          [states.mailboxId, since],
        ),
      );
      states.remove(expunged.map((row) => row.uid));
    }
    states.modSeq = target;
  }

  private evict() {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.states.size;
    for (const [mailboxId, entry] of this.entries) {
      if (this.entries.size <= 1 || total <= MAX_MESSAGES) break;
      this.entries.delete(mailboxId);
      total -= entry.states.size;
    }
  }
}
