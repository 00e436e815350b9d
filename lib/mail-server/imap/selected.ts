// The client's view of the selected mailbox: message sequence numbers (the position of each
// UID), and the changes other sessions and deliveries made that the client has not been told
// yet. RFC 3501 §7.4.1 and §5.5 decide when they may be told: EXISTS and FETCH at any
// response, EXPUNGE never during FETCH, STORE or SEARCH (they would renumber what the client
// is reading), so expunges wait for a command that allows them.
import type { MailboxChange, MailboxInfo, MailStore } from "../store";
import { listSelection } from "../store/selection";
import { formatUidSet, untagged, listText } from "./protocol";
import { UidList } from "./uid-list";

export interface SyncOptions {
  allowExpunge: boolean;
  withUid: boolean;
  withModSeq: boolean;
  /** QRESYNC is on: expunges are told as VANISHED (RFC 7162 §3.2.10). */
  vanished: boolean;
}

export class SelectedMailbox {
  /** The UIDs the client numbers, in sequence order. */
  uids = new UidList();
  /** Messages this session is the first to see (\Recent, RFC 3501 §2.3.2). */
  recent = new UidList();
  /** Expunged elsewhere, still numbered for the client until announced, with the MODSEQ of the expunge. */
  private readonly pendingExpunges = new Map<number, bigint>();
  /** Flags changed elsewhere, with the MODSEQ of the latest change. */
  private readonly pendingFlags = new Map<number, bigint>();
  private newMessages = false;
  /**
   * Flag changes this session made whose store event has not come yet, so that it is not
   * announced a second time. Normally empty: the store emits the event before it returns.
   */
  private readonly ownChanges = new Map<number, bigint>();
  /** The highest MODSEQ this session has heard of. */
  private latestModSeq: bigint;
  /** The lowest MODSEQ of a change heard of and not yet told the client, if any. */
  private unreportedModSeq: bigint | null = null;
  private readonly listener: (change: MailboxChange) => void;

  private constructor(
    readonly store: MailStore,
    readonly mailboxId: number,
    readonly accountId: number,
    readonly name: string,
    readonly readOnly: boolean,
    readonly uidValidity: number,
    highestModSeq: bigint,
  ) {
    this.latestModSeq = highestModSeq;
    this.listener = (change) => this.onChange(change);
    store.events.on("change", this.listener);
  }

  /**
   * Selects a mailbox, or null if there is none of that name: listens for changes first and
   * reads the mailbox's row and lists its messages after, so that no change falls between the
   * two (one both listed and heard of is told twice, harmlessly). Until the row says which
   * mailbox it is, the account's changes are held, then replayed. Returns what the SELECT
   * responses need besides.
   */
  static async open(store: MailStore, accountId: number, name: string, readOnly: boolean) {
    const early: MailboxChange[] = [];
    const hold = (change: MailboxChange) => {
      if (change.accountId === accountId) early.push(change);
    };
    store.events.on("change", hold);
    let mailbox: MailboxInfo | null;
    try {
      mailbox = await store.folders.get(accountId, name);
    } finally {
      store.events.off("change", hold);
    }
    if (!mailbox) return null;
    // Synchronously after the hold ends: the constructor's listener misses nothing.
    const selected = new SelectedMailbox(store, mailbox.id, accountId, mailbox.name, readOnly, mailbox.uidValidity, mailbox.highestModSeq);
    for (const change of early) selected.onChange(change);
    try {
      const listing = await listSelection(store.sql, mailbox.id, mailbox.highestModSeq);
      selected.uids = UidList.fromRuns(listing.runs);
      if (readOnly) {
        // EXAMINE shows what is recent without taking it from the next session.
        selected.recent = selected.uids.from(mailbox.recentUid);
      } else if (selected.uids.size && mailbox.recentUid <= selected.uids.last) {
        selected.recent = selected.uids.from(await store.folders.claimRecent(mailbox.id, selected.uids.last));
      }
      const firstUnseen = listing.firstUnseenUid === null ? 0 : selected.uids.countBelow(listing.firstUnseenUid) + 1;
      return { selected, mailbox, firstUnseen: firstUnseen <= selected.uids.size ? firstUnseen : 0, keywords: listing.keywords };
    } catch (error) {
      selected.close();
      throw error;
    }
  }

  close() {
    this.store.events.off("change", this.listener);
  }

  get exists(): number {
    return this.uids.size;
  }

  get maxUid(): number {
    return this.uids.last;
  }

  seqOf(uid: number): number {
    return this.uids.seqOf(uid);
  }

  /** Changes this session made itself need no second announcement. */
  noteOwnChange(uid: number, modSeq: bigint) {
    const pending = this.pendingFlags.get(uid);
    // The store's event for this change normally arrived first; only remember it if not.
    if (pending !== undefined && pending <= modSeq) this.pendingFlags.delete(uid);
    else if (pending === undefined && modSeq > this.latestModSeq) this.ownChanges.set(uid, modSeq);
  }

  /**
   * A HIGHESTMODSEQ the client may resynchronise from: every change up to it has been told.
   * RFC 7162 §3.2 (and its erratum 1810): while expunges wait, it stays below them.
   */
  safeHighestModSeq(): bigint {
    return this.unreportedModSeq === null ? this.latestModSeq : this.unreportedModSeq - 1n;
  }

  /** Keywords the client has been told of in FLAGS (lower-cased → as written). */
  private readonly announcedKeywords = new Map<string, string>();

  /**
   * FLAGS and PERMANENTFLAGS for the mailbox (at SELECT), or, given the flags of messages,
   * the same two responses again when a keyword among them is new to the client: RFC 3501
   * §7.2.6 wants the client told of the mailbox's flags before it sees them on a message.
   */
  flagResponses(flags: Iterable<string>, always = false): Buffer[] {
    let added = false;
    for (const flag of flags) {
      if (flag.startsWith("\\") || this.announcedKeywords.has(flag.toLowerCase())) continue;
      this.announcedKeywords.set(flag.toLowerCase(), flag);
      added = true;
    }
    if (!added && !always) return [];
    const all = ["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft", ...this.announcedKeywords.values()];
    return [
      untagged("FLAGS", listText(all)),
      untagged("OK", `[PERMANENTFLAGS ${listText(this.readOnly ? [] : [...all, "\\*"])}] Flags permitted`),
    ];
  }

  /** Flags as this session shows them: \Recent is per session, not stored. */
  flagsOf(uid: number, stored: string[]): string[] {
    return this.recent.has(uid) ? [...stored, "\\Recent"] : stored;
  }

  /** Takes the recent messages among these new UIDs (ascending; read-only sessions take none). */
  private async claimRecent(uids: number[]) {
    if (this.readOnly || !uids.length) return;
    const first = await this.store.folders.claimRecent(this.mailboxId, uids[uids.length - 1]);
    for (const uid of uids) if (uid >= first) this.recent.add(uid);
  }

  /**
   * Takes expunged messages out of the numbering and returns the responses that tell the
   * client: EXPUNGE highest first, so each number is right when it is read, or one VANISHED
   * once QRESYNC is on. For this session's own expunges the command sends them right away.
   */
  expungeResponses(uids: Iterable<number>, vanished: boolean): Buffer[] {
    const removed = this.uids.deleteAll(uids);
    for (const { uid } of removed) {
      this.recent.delete(uid);
      this.pendingExpunges.delete(uid);
      this.pendingFlags.delete(uid);
      this.ownChanges.delete(uid);
    }
    if (!this.hasPending()) this.unreportedModSeq = null;
    if (!removed.length) return [];
    if (vanished) return [untagged("VANISHED", formatUidSet(removed.map((r) => r.uid)))];
    return removed.reverse().map(({ seq }) => untagged(String(seq), "EXPUNGE"));
  }

  hasPending(): boolean {
    return this.newMessages || this.pendingExpunges.size > 0 || this.pendingFlags.size > 0;
  }

  /** Called by the store's event bus. */
  onWake: (() => void) | null = null;

  private onChange(change: MailboxChange) {
    if (change.kind === "mailboxes" || change.mailboxId !== this.mailboxId) return;
    if (change.modSeq > this.latestModSeq) this.latestModSeq = change.modSeq;
    // Whether there is now something to tell: a change this session made itself is not news.
    let news = true;
    if (change.kind === "append") this.newMessages = true;
    else if (change.kind === "expunge") for (const uid of change.uids) this.pendingExpunges.set(uid, change.modSeq);
    else {
      news = false;
      for (const uid of change.uids) {
        const own = this.ownChanges.get(uid);
        if (own !== undefined && own >= change.modSeq) {
          if (own === change.modSeq) this.ownChanges.delete(uid);
          continue;
        }
        this.pendingFlags.set(uid, change.modSeq);
        news = true;
      }
    }
    if (news && (this.unreportedModSeq === null || change.modSeq < this.unreportedModSeq)) this.unreportedModSeq = change.modSeq;
    this.onWake?.();
  }

  /**
   * The untagged responses that bring the client up to date: expunges when allowed (EXPUNGE
   * or VANISHED), then EXISTS for new mail, then FETCH FLAGS for flags changed elsewhere.
   */
  async sync(options: SyncOptions): Promise<Buffer[]> {
    const out: Buffer[] = [];
    if (options.allowExpunge && this.pendingExpunges.size) {
      const uids = [...this.pendingExpunges.keys()];
      this.pendingExpunges.clear();
      out.push(...this.expungeResponses(uids, options.vanished));
    }
    if (this.newMessages) {
      this.newMessages = false;
      const added = await this.store.messages.list(this.mailboxId, this.maxUid);
      if (added.length) {
        out.push(...this.flagResponses(added.flatMap((m) => m.flags)));
        for (const message of added) this.uids.add(message.uid);
        out.push(untagged(String(this.uids.size), "EXISTS"));
        const before = this.recent.size;
        await this.claimRecent(added.map((m) => m.uid));
        if (this.recent.size !== before) out.push(untagged(String(this.recent.size), "RECENT"));
      }
    }
    if (this.pendingFlags.size) {
      const uids = [...this.pendingFlags.keys()].filter((uid) => this.uids.has(uid) && !this.pendingExpunges.has(uid));
      this.pendingFlags.clear();
      if (uids.length) {
        const states = await this.store.messages.byUids(this.mailboxId, uids);
        out.push(...this.flagResponses(states.flatMap((m) => m.flags)));
        for (const state of states) {
          const items = ["FLAGS", listText(this.flagsOf(state.uid, state.flags))];
          // RFC 7162 §3.2.4: with QRESYNC every unsolicited FETCH names its UID.
          if (options.withUid || options.vanished) items.unshift("UID", String(state.uid));
          if (options.withModSeq) items.push("MODSEQ", `(${state.modSeq})`);
          out.push(untagged(String(this.seqOf(state.uid)), "FETCH", listText(items)));
        }
      }
    }
    // Left untold: withheld expunges, and whatever came in while this ran (the lowest MODSEQ
    // heard of since the last reset stays as a bound that is low enough for those).
    let lowest = this.newMessages || this.pendingFlags.size ? this.unreportedModSeq : null;
    for (const modSeq of this.pendingExpunges.values()) if (lowest === null || modSeq < lowest) lowest = modSeq;
    this.unreportedModSeq = lowest;
    // RFC 7162 §3.2 (erratum 1810): MODSEQs told while expunges wait must not let a client
    // resynchronise past the expunges.
    if (options.vanished && this.pendingExpunges.size) out.push(untagged("OK", `[HIGHESTMODSEQ ${this.safeHighestModSeq()}] Expunges pending`));
    return out;
  }
}
