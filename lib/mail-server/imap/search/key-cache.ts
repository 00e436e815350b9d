// SORT and THREAD keys kept between commands, per mailbox, as Dovecot keeps them in its cache
// file: what they are made of (a message's headers, size and INTERNALDATE) never changes for a
// UID, so a later SORT only lists the UIDs added since. The client sorting a large mailbox again
// after each new message costs a query of the new rows, not of 100,000.
import type { MailStore } from "../../store";
import type { SelectedMailbox } from "../selected";

interface Entry<T> {
  rows: T[];
  maxUid: number;
  /** The refresh in progress: sessions sorting at once list new rows once. */
  refresh: Promise<void>;
}

/** Few mailboxes are sorted at once; the bound keeps memory at some tens of MB per mailbox. */
const MAX_MAILBOXES = 8;
const MAX_ROWS = 500_000;

export class KeyCache<T extends { uid: number }> {
  private readonly stores = new WeakMap<MailStore, Map<string, Entry<T>>>();

  constructor(private readonly load: (store: MailStore, mailboxId: number, sinceUid: number) => Promise<T[]>) {}

  /**
   * The keys of every message up to the last UID the session knows, in UID order. Rows of
   * messages expunged since may remain; callers keep the ones in the session's view.
   */
  async rows(store: MailStore, selected: SelectedMailbox): Promise<readonly T[]> {
    let entries = this.stores.get(store);
    if (!entries) this.stores.set(store, (entries = new Map()));
    // A re-created mailbox has a new UIDVALIDITY and so a new entry.
    const key = `${selected.mailboxId}/${selected.uidValidity}`;
    let entry = entries.get(key);
    entries.delete(key);
    // Mostly expunged rows: start again rather than carry them.
    if (!entry || entry.rows.length > 2 * selected.exists + 1000) entry = { rows: [], maxUid: 0, refresh: Promise.resolve() };
    entries.set(key, entry);
    this.evict(entries);
    const current = entry;
    const wanted = selected.maxUid;
    current.refresh = current.refresh
      .catch(() => undefined)
      .then(async () => {
        if (wanted <= current.maxUid) return;
        const added = await this.load(store, selected.mailboxId, current.maxUid);
        // One by one: a first listing has a mailbox worth of rows, too many to spread.
        for (const row of added) current.rows.push(row);
        if (added.length) current.maxUid = added[added.length - 1].uid;
      });
    await current.refresh;
    return current.rows;
  }

  private evict(entries: Map<string, Entry<T>>) {
    let total = 0;
    for (const entry of entries.values()) total += entry.rows.length;
    // Oldest first: a Map iterates in insertion order and rows() re-inserts what it uses.
    for (const [key, entry] of entries) {
      if (entries.size <= 1 || (entries.size <= MAX_MAILBOXES && total <= MAX_ROWS)) break;
      entries.delete(key);
      total -= entry.rows.length;
    }
  }
}
