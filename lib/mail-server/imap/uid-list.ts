// An ascending set of UIDs stored as runs of consecutive UIDs, for what a session keeps per
// selected mailbox (its sequence numbers, its \Recent messages). A thousand sessions on a
// 100,000-message INBOX held 100,000-element arrays each; UIDs are handed out one after the
// other, so a mailbox is a few runs (one when nothing was expunged) and costs bytes, not
// megabytes. Each run knows how many UIDs come before it, so the sequence number of a UID and
// the UID at a sequence number are binary searches over the runs.

const INITIAL_CAPACITY = 4;

export class UidList implements Iterable<number> {
  private starts: Uint32Array;
  private lengths: Uint32Array;
  /** UIDs in the runs before run i: the sequence number of its first UID is before[i] + 1. */
  private before: Uint32Array;
  private runs = 0;
  private count = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.starts = new Uint32Array(capacity);
    this.lengths = new Uint32Array(capacity);
    this.before = new Uint32Array(capacity);
  }

  /** From runs [first UID, how many] in ascending order (what a store query returns). */
  static fromRuns(runs: Iterable<readonly [number, number]>): UidList {
    const list = new UidList();
    for (const [start, length] of runs) list.addRun(start, length);
    return list;
  }

  /** From UIDs in ascending order. */
  static from(uids: Iterable<number>): UidList {
    const list = new UidList();
    for (const uid of uids) list.add(uid);
    return list;
  }

  get size(): number {
    return this.count;
  }

  /** How many runs the UIDs make (what the memory depends on). */
  get runCount(): number {
    return this.runs;
  }

  /** The highest UID, or 0 when empty. */
  get last(): number {
    return this.runs ? this.starts[this.runs - 1] + this.lengths[this.runs - 1] - 1 : 0;
  }

  /** The index of the last run starting at or below uid, or -1. */
  private runAtOrBelow(uid: number): number {
    let lo = 0;
    let hi = this.runs - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid] <= uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi;
  }

  /** The 1-based position of uid, or 0 when it is not in the list. */
  seqOf(uid: number): number {
    const i = this.runAtOrBelow(uid);
    if (i < 0 || uid >= this.starts[i] + this.lengths[i]) return 0;
    return this.before[i] + (uid - this.starts[i]) + 1;
  }

  has(uid: number): boolean {
    return this.seqOf(uid) !== 0;
  }

  /** How many UIDs of the list are below uid. */
  countBelow(uid: number): number {
    const i = this.runAtOrBelow(uid);
    if (i < 0) return 0;
    return this.before[i] + Math.min(this.lengths[i], uid - this.starts[i]);
  }

  /** The UID at a 1-based position, or 0 outside 1..size. */
  uidAt(seq: number): number {
    if (!Number.isInteger(seq) || seq < 1 || seq > this.count) return 0;
    let lo = 0;
    let hi = this.runs - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.before[mid] < seq) lo = mid;
      else hi = mid - 1;
    }
    return this.starts[lo] + (seq - this.before[lo] - 1);
  }

  /** Appends a UID above every UID in the list (new mail only ever gets higher UIDs). */
  add(uid: number) {
    this.addRun(uid, 1);
  }

  private addRun(start: number, length: number) {
    if (!Number.isInteger(start) || !Number.isInteger(length) || start < 1 || length < 1 || start + length - 1 > 0xffffffff) {
      throw new RangeError(`invalid UID run ${start}+${length}`);
    }
    if (this.runs && start <= this.last) throw new RangeError(`UID ${start} is not above ${this.last}`);
    if (this.runs && start === this.last + 1) {
      this.lengths[this.runs - 1] += length;
    } else {
      if (this.runs === this.starts.length) this.resize(this.runs * 2);
      this.starts[this.runs] = start;
      this.lengths[this.runs] = length;
      this.before[this.runs] = this.count;
      this.runs++;
    }
    this.count += length;
  }

  private resize(capacity: number) {
    const grow = (from: Uint32Array) => {
      const to = new Uint32Array(Math.max(capacity, INITIAL_CAPACITY));
      to.set(from.subarray(0, this.runs));
      return to;
    };
    this.starts = grow(this.starts);
    this.lengths = grow(this.lengths);
    this.before = grow(this.before);
  }

  delete(uid: number): boolean {
    return this.deleteAll([uid]).length > 0;
  }

  /**
   * Removes the given UIDs (any order, absent ones ignored) in one pass over the runs, and
   * returns those removed with the positions they had, ascending.
   */
  deleteAll(uids: Iterable<number>): { uid: number; seq: number }[] {
    const removed: { uid: number; seq: number }[] = [];
    for (const uid of new Set(uids)) {
      const seq = this.seqOf(uid);
      if (seq) removed.push({ uid, seq });
    }
    if (!removed.length) return removed;
    removed.sort((a, b) => a.uid - b.uid);
    const old = { starts: this.starts, lengths: this.lengths, runs: this.runs };
    // A removal inside a run splits it: at most one new run per removed UID.
    const capacity = Math.max(INITIAL_CAPACITY, Math.min(old.runs + removed.length, this.count - removed.length));
    this.starts = new Uint32Array(capacity);
    this.lengths = new Uint32Array(capacity);
    this.before = new Uint32Array(capacity);
    this.runs = 0;
    this.count = 0;
    let next = 0;
    for (let i = 0; i < old.runs; i++) {
      let from = old.starts[i];
      const end = old.starts[i] + old.lengths[i];
      while (next < removed.length && removed[next].uid < end) {
        const uid = removed[next++].uid;
        if (uid > from) this.addRun(from, uid - from);
        from = uid + 1;
      }
      if (from < end) this.addRun(from, end - from);
    }
    if (this.runs < this.starts.length / 4) this.resize(this.runs * 2);
    return removed;
  }

  /** The UIDs from uid upwards, as a new list. */
  from(uid: number): UidList {
    const out = new UidList();
    const first = Math.max(0, this.runAtOrBelow(uid));
    for (let i = first; i < this.runs; i++) {
      const start = Math.max(this.starts[i], uid);
      const end = this.starts[i] + this.lengths[i];
      if (start < end) out.addRun(start, end - start);
    }
    return out;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.runs; i++) {
      const end = this.starts[i] + this.lengths[i];
      for (let uid = this.starts[i]; uid < end; uid++) yield uid;
    }
  }

  toArray(): number[] {
    const out = new Array<number>(this.count);
    let k = 0;
    for (let i = 0; i < this.runs; i++) {
      const end = this.starts[i] + this.lengths[i];
      for (let uid = this.starts[i]; uid < end; uid++) out[k++] = uid;
    }
    return out;
  }
}
