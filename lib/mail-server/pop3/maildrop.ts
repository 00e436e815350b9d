// A POP3 maildrop (RFC 1939 §8): the account's INBOX as it was at login, numbered 1..n, with
// the session's DELE marks; locked for one POP3 session at a time; changed only in the UPDATE
// state at QUIT. UIDLs are "<UIDVALIDITY>.<UID>": unique, stable across sessions and restarts,
// and new for every message if INBOX is ever re-created.
import type { Config } from "@/lib/config";
import type { MailStore } from "../store";

export interface MaildropMessage {
  uid: number;
  size: number;
  contentId: number;
  deleted: boolean;
  /** RETR sent it: \Seen at QUIT, and its POP3_EXPIRE clock starts. */
  retrieved: boolean;
}

const DAY_MS = 86_400_000;
/** Read ahead of RETR: at most this many messages and bytes (a first message over it is read alone). */
const READ_AHEAD_COUNT = 32;
const READ_AHEAD_BYTES = 256 * 1024;

/** Accounts with a POP3 session in the TRANSACTION state, per store (tests run several servers in one process). */
const locked = new WeakMap<MailStore, Set<number>>();

function locks(store: MailStore): Set<number> {
  let set = locked.get(store);
  if (!set) locked.set(store, (set = new Set()));
  return set;
}

export class Maildrop {
  private released = false;

  private constructor(
    private readonly store: MailStore,
    readonly accountId: number,
    readonly mailboxId: number,
    readonly uidValidity: number,
    readonly messages: MaildropMessage[],
  ) {}

  /**
   * Locks and lists the account's INBOX, after removing what POP3_EXPIRE says has been kept
   * long enough. null when another POP3 session holds the lock (RFC 1939 §8: [IN-USE]).
   */
  static async open(store: MailStore, config: Config, accountId: number): Promise<Maildrop | null> {
    const held = locks(store);
    if (held.has(accountId)) return null;
    held.add(accountId);
    try {
      const inbox = await store.folders.get(accountId, "INBOX");
      if (!inbox) throw new Error(`account ${accountId} has no INBOX`);
      if (config.pop3ExpireDays !== null && config.pop3ExpireDays > 0) {
        const expired = await store.messages.pop3RetrievedBefore(inbox.id, new Date(Date.now() - config.pop3ExpireDays * DAY_MS));
        if (expired.length) await store.messages.remove(inbox.id, expired);
      }
      const states = await store.states.get(inbox.id);
      const messages: MaildropMessage[] = [];
      for (let i = 0; i < (states?.size ?? 0); i++) messages.push({ uid: states!.uids[i], size: states!.sizes[i], contentId: states!.contentIds[i], deleted: false, retrieved: false });
      return new Maildrop(store, accountId, inbox.id, inbox.uidValidity, messages);
    } catch (error) {
      held.delete(accountId);
      throw error;
    }
  }

  /** Message n (1-based), unless it is out of range or marked deleted. */
  message(n: number): MaildropMessage | null {
    const message = this.messages[n - 1];
    return message && !message.deleted ? message : null;
  }

  uidl(message: MaildropMessage): string {
    return `${this.uidValidity}.${message.uid}`;
  }

  /** Not marked deleted: [count, octets] (STAT). */
  totals(): [number, number] {
    let count = 0;
    let octets = 0;
    for (const message of this.messages) {
      if (message.deleted) continue;
      count++;
      octets += message.size;
    }
    return [count, octets];
  }

  /** Messages read ahead of the RETRs that will ask for them (1-based number → bytes). */
  private readAhead = new Map<number, Buffer>();
  private lastRead = 0;
  private readAheadCount = 1;

  /**
   * The bytes of message n as stored. A client that goes through the maildrop in order (as
   * fetchmail and getmail do, forwards or backwards) has the next messages read with this one,
   * in one query: the run doubles while the client keeps to its order, up to READ_AHEAD_COUNT
   * messages and READ_AHEAD_BYTES, and falls back to one message when it jumps.
   */
  async read(n: number): Promise<Buffer | null> {
    let bytes = this.readAhead.get(n);
    if (!bytes) {
      const step = n === this.lastRead - 1 ? -1 : 1;
      this.readAheadCount = Math.abs(n - this.lastRead) === 1 ? Math.min(this.readAheadCount * 2, READ_AHEAD_COUNT) : 1;
      const run: number[] = [];
      let runBytes = 0;
      for (let i = n; i >= 1 && i <= this.messages.length && run.length < this.readAheadCount; i += step) {
        const { size, deleted } = this.messages[i - 1];
        if (deleted) continue;
        if (run.length && runBytes + size > READ_AHEAD_BYTES) break;
        run.push(i);
        runBytes += size;
      }
      const contents = await this.store.readContents(run.map((i) => this.messages[i - 1].contentId));
      this.readAhead = new Map();
      for (const i of run) {
        const data = contents.get(this.messages[i - 1].contentId);
        if (data) this.readAhead.set(i, data);
      }
      bytes = this.readAhead.get(n);
    }
    this.lastRead = n;
    return bytes ?? null;
  }

  /** RSET: every DELE mark undone. */
  reset() {
    for (const message of this.messages) message.deleted = false;
  }

  /**
   * The UPDATE state (RFC 1939 §6): marked messages removed for good (never to Trash), the
   * retrieved ones \Seen (as Dovecot does) with their retrieval time noted; POP3_EXPIRE=0
   * (RFC 2449: mail isn't kept) removes the retrieved ones too. Returns how many are left.
   */
  async update(config: Config): Promise<number> {
    const deleteRetrieved = config.pop3ExpireDays === 0;
    const removed = this.messages.filter((m) => m.deleted || (deleteRetrieved && m.retrieved)).map((m) => m.uid);
    if (removed.length) await this.store.messages.remove(this.mailboxId, removed);
    const gone = new Set(removed);
    const retrieved = this.messages.filter((m) => m.retrieved && !gone.has(m.uid)).map((m) => m.uid);
    if (retrieved.length) {
      await this.store.messages.notePop3Retrieval(this.mailboxId, retrieved, new Date());
      await this.store.messages.setFlags(this.mailboxId, retrieved, "add", ["\\Seen"]);
    }
    return this.messages.length - removed.length;
  }

  /** Lets the next POP3 session in; a session that ends without QUIT changed nothing. */
  release() {
    if (this.released) return;
    this.released = true;
    locks(this.store).delete(this.accountId);
  }
}
