// UidList (lib/mail-server/imap/uid-list.ts): the session's UIDs as runs. Checked against a
// plain sorted array under random appends and removals, plus the edges a run structure gets
// wrong (splitting a run, removing a whole run, merging appends, the ends of the UID range).
import { describe, expect, it } from "vitest";
import { UidList } from "@/lib/mail-server/imap/uid-list";

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  return (below: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % below;
  };
}

function expectSame(list: UidList, array: number[]) {
  expect(list.size).toBe(array.length);
  expect(list.last).toBe(array.length ? array[array.length - 1] : 0);
  expect(list.toArray()).toEqual(array);
  expect([...list]).toEqual(array);
  array.forEach((uid, i) => {
    expect(list.seqOf(uid)).toBe(i + 1);
    expect(list.uidAt(i + 1)).toBe(uid);
  });
}

describe("UidList", () => {
  it("keeps contiguous UIDs as one run", () => {
    const list = UidList.fromRuns([[1, 100_000]]);
    expect(list.runCount).toBe(1);
    expect(list.size).toBe(100_000);
    expect(list.seqOf(1)).toBe(1);
    expect(list.seqOf(100_000)).toBe(100_000);
    expect(list.seqOf(100_001)).toBe(0);
    expect(list.uidAt(50_000)).toBe(50_000);
    list.add(100_001);
    expect(list.runCount).toBe(1);
    list.add(100_005);
    expect(list.runCount).toBe(2);
    expect(list.seqOf(100_005)).toBe(100_002);
  });

  it("splits a run when a UID inside it goes and drops a run that empties", () => {
    const list = UidList.from([1, 2, 3, 4, 5, 10, 11]);
    expect(list.runCount).toBe(2);
    expect(list.deleteAll([3, 7])).toEqual([{ uid: 3, seq: 3 }]);
    expectSame(list, [1, 2, 4, 5, 10, 11]);
    expect(list.runCount).toBe(3);
    expect(list.deleteAll([11, 10, 1])).toEqual([
      { uid: 1, seq: 1 },
      { uid: 10, seq: 5 },
      { uid: 11, seq: 6 },
    ]);
    expectSame(list, [2, 4, 5]);
    expect(list.delete(4)).toBe(true);
    expect(list.delete(4)).toBe(false);
    expectSame(list, [2, 5]);
  });

  it("answers outside its range and at the ends of the UID space", () => {
    const empty = new UidList();
    expect(empty.seqOf(1)).toBe(0);
    expect(empty.uidAt(1)).toBe(0);
    expect(empty.countBelow(10)).toBe(0);
    expect(empty.last).toBe(0);
    const list = UidList.fromRuns([
      [5, 3],
      [0xfffffffe, 2],
    ]);
    expect(list.toArray()).toEqual([5, 6, 7, 0xfffffffe, 0xffffffff]);
    expect(list.uidAt(0)).toBe(0);
    expect(list.uidAt(6)).toBe(0);
    expect(list.countBelow(6)).toBe(1);
    expect(list.countBelow(100)).toBe(3);
    expect(list.countBelow(0xffffffff)).toBe(4);
    expect(() => list.add(7)).toThrow(RangeError);
    expect(() => list.add(0x100000000)).toThrow(RangeError);
    expect(list.from(6).toArray()).toEqual([6, 7, 0xfffffffe, 0xffffffff]);
    expect(list.from(8).toArray()).toEqual([0xfffffffe, 0xffffffff]);
    expect(list.from(1).toArray()).toEqual(list.toArray());
  });

  it("agrees with a plain array under random appends and removals", () => {
    for (const seed of [1, 2, 3, 42, 1234]) {
      const next = random(seed);
      const list = new UidList();
      let array: number[] = [];
      let top = 0;
      for (let step = 0; step < 600; step++) {
        const op = next(10);
        if (op < 5) {
          // New mail: usually the next UID, sometimes after a gap.
          top += next(4) === 0 ? 1 + next(20) : 1;
          list.add(top);
          array.push(top);
        } else if (op < 9 && array.length) {
          const victims = Array.from({ length: 1 + next(5) }, () => (next(3) === 0 ? 1 + next(top + 2) : array[next(array.length)]));
          const expected = [...new Set(victims)]
            .filter((uid) => array.includes(uid))
            .sort((a, b) => a - b)
            .map((uid) => ({ uid, seq: array.indexOf(uid) + 1 }));
          expect(list.deleteAll(victims)).toEqual(expected);
          array = array.filter((uid) => !victims.includes(uid));
        } else {
          const from = 1 + next(top + 2);
          expect(list.from(from).toArray()).toEqual(array.filter((uid) => uid >= from));
          expect(list.countBelow(from)).toBe(array.filter((uid) => uid < from).length);
          expect(list.has(from)).toBe(array.includes(from));
        }
        if (step % 50 === 0) expectSame(list, array);
      }
      expectSame(list, array);
    }
  });
});
