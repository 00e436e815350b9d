// The client's view of the selected mailbox: message sequence numbers (the position of each
// UID), and the changes other sessions and deliveries made that the client has not been told
// yet. RFC 3501 §7.4.1 and §5.5 decide when they may be told: EXISTS and FETCH at any
// response, EXPUNGE never during FETCH, STORE or SEARCH (they would renumber what the client
// is reading), so expunges wait for a command that allows them.
import type { MailboxChange, MailStore } from "../store";
import { untagged, list } from "./protocol";

export class SelectedMailbox {
  /** UIDs in sequence order: uids[seq - 1]. */
  uids: number[];
  /** Messages this session is the first to see (\Recent, RFC 3501 §2.3.2). */
  readonly recent = new Set<number>();
  /** Expunged elsewhere, still numbered for the client until announced. */
  private readonly pendingExpunges = new Set<number>();
  /** Flags changed elsewhere, with the MODSEQ of the change. */
  private readonly pendingFlags = new Map<number, bigint>();
  private newMessages = false;
  /** The MODSEQ of the last change this session reported or made, per UID. */
  private readonly known = new Map<number, bigint>();
  private readonly listener: (change: MailboxChange) => void;

  constructor(
    readonly store: MailStore,
    readonly mailboxId: number,
    readonly accountId: number,
    readonly name: string,
    readonly readOnly: boolean,
    readonly uidValidity: number,
    uids: number[],
  ) {
    this.uids = uids;
    this.listener = (change) => this.onChange(change);
    store.events.on("change", this.listener);
  }

  close() {
    this.store.events.off("change", this.listener);
  }

  get exists(): number {
    return this.uids.length;
  }

  get maxUid(): number {
    return this.uids.length ? this.uids[this.uids.length - 1] : 0;
  }

  seqOf(uid: number): number {
    // Binary search: UIDs are ascending.
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.uids[mid] === uid) return mid + 1;
      if (this.uids[mid] < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Changes this session made itself need no second announcement. */
  noteOwnChange(uid: number, modSeq: bigint) {
    this.known.set(uid, modSeq);
    // The store's event for this change may have arrived first.
    const pending = this.pendingFlags.get(uid);
    if (pending !== undefined && pending <= modSeq) this.pendingFlags.delete(uid);
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
      untagged("FLAGS", list(all)),
      untagged("OK", `[PERMANENTFLAGS ${this.readOnly ? "()" : `(${[...all, "\\*"].join(" ")})`}] Flags permitted`),
    ];
  }

  /** Flags as this session shows them: \Recent is per session, not stored. */
  flagsOf(uid: number, stored: string[]): string[] {
    return this.recent.has(uid) ? [...stored, "\\Recent"] : stored;
  }

  /** Takes the recent messages among these UIDs (read-only sessions take none). */
  async claimRecent(uids: number[]) {
    if (this.readOnly || !uids.length) return;
    const first = await this.store.folders.claimRecent(this.mailboxId, uids.reduce((a, b) => Math.max(a, b), 0));
    for (const uid of uids) if (uid >= first) this.recent.add(uid);
  }

  /** This session expunged these: renumber now (the command reports them itself). */
  removeOwnExpunges(uids: number[]): number[] {
    const seqs: number[] = [];
    for (const uid of [...uids].sort((a, b) => b - a)) {
      const seq = this.seqOf(uid);
      if (!seq) continue;
      this.uids.splice(seq - 1, 1);
      this.recent.delete(uid);
      this.pendingExpunges.delete(uid);
      this.pendingFlags.delete(uid);
      seqs.push(seq);
    }
    return seqs;
  }

  hasPending(): boolean {
    return this.newMessages || this.pendingExpunges.size > 0 || this.pendingFlags.size > 0;
  }

  /** Called by the store's event bus. */
  onWake: (() => void) | null = null;

  private onChange(change: MailboxChange) {
    if (change.kind === "mailboxes" || change.mailboxId !== this.mailboxId) return;
    if (change.kind === "append") this.newMessages = true;
    else if (change.kind === "expunge") for (const uid of change.uids) this.pendingExpunges.add(uid);
    else for (const uid of change.uids) if ((this.known.get(uid) ?? -1n) < change.modSeq) this.pendingFlags.set(uid, change.modSeq);
    this.onWake?.();
  }

  /**
   * The untagged responses that bring the client up to date: EXPUNGEs when allowed (highest
   * first, so each number is right when it is read), then EXISTS for new mail, then FETCH
   * FLAGS for flags changed elsewhere.
   */
  async sync(options: { allowExpunge: boolean; withUid: boolean; withModSeq: boolean }): Promise<Buffer[]> {
    const out: Buffer[] = [];
    if (options.allowExpunge && this.pendingExpunges.size) {
      const uids = [...this.pendingExpunges].sort((a, b) => b - a);
      this.pendingExpunges.clear();
      for (const uid of uids) {
        const seq = this.seqOf(uid);
        if (!seq) continue;
        this.uids.splice(seq - 1, 1);
        this.recent.delete(uid);
        this.pendingFlags.delete(uid);
        out.push(untagged(String(seq), "EXPUNGE"));
      }
    }
    if (this.newMessages) {
      this.newMessages = false;
      const added = await this.store.messages.list(this.mailboxId, this.maxUid);
      if (added.length) {
        out.push(...this.flagResponses(added.flatMap((m) => m.flags)));
        for (const message of added) {
          this.uids.push(message.uid);
          this.known.set(message.uid, message.modSeq);
        }
        out.push(untagged(String(this.uids.length), "EXISTS"));
        const before = this.recent.size;
        await this.claimRecent(added.map((m) => m.uid));
        if (this.recent.size !== before) out.push(untagged(String(this.recent.size), "RECENT"));
      }
    }
    if (this.pendingFlags.size) {
      const uids = [...this.pendingFlags.keys()].filter((uid) => this.seqOf(uid) && !this.pendingExpunges.has(uid));
      this.pendingFlags.clear();
      if (uids.length) {
        const lowest = uids.reduce((a, b) => Math.min(a, b));
        const states = (await this.store.messages.list(this.mailboxId, lowest - 1)).filter((m) => uids.includes(m.uid));
        out.push(...this.flagResponses(states.flatMap((m) => m.flags)));
        for (const state of states) {
          this.known.set(state.uid, state.modSeq);
          const items = [`FLAGS`, list(this.flagsOf(state.uid, state.flags))];
          if (options.withUid) items.unshift("UID", String(state.uid));
          if (options.withModSeq) items.push("MODSEQ", `(${state.modSeq})`);
          out.push(untagged(String(this.seqOf(state.uid)), "FETCH", list(items)));
        }
      }
    }
    return out;
  }
}
