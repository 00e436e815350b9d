// UID sets, ESORT's ordered ones, and the inverse of a bulk action (undo): pure logic, no server.
import { describe, expect, it, vi } from "vitest";
import { inverseAction, parseUidSet, toUidSet, type BulkAction } from "@/lib/user-agent/mail/uid-set";

vi.mock("server-only", () => ({}));
const { parseOrderedUidSet } = await import("@/lib/user-agent/imap/sort");

describe("UID sets", () => {
  it("writes runs as ranges, sorted and without duplicates", () => {
    expect(toUidSet([9, 1, 2, 3, 3, 5, 10, 11])).toBe("1:3,5,9:11");
    expect(toUidSet([])).toBe("");
    expect(toUidSet([0, -1, 1.5, 7])).toBe("7");
  });

  it("reads sets back, either range direction, and refuses '*', junk and oversize sets", () => {
    expect(parseUidSet("1:3,5,11:9")).toEqual([1, 2, 3, 5, 9, 10, 11]);
    expect(parseUidSet("1:*")).toBeNull();
    expect(parseUidSet("1,,2")).toBeNull();
    expect(parseUidSet("0")).toBeNull();
    expect(parseUidSet("1 2")).toBeNull();
    expect(parseUidSet("4294967296")).toBeNull();
    expect(parseUidSet("1:100", 50)).toBeNull();
    expect(parseUidSet(toUidSet([4, 5, 6, 20]))).toEqual([4, 5, 6, 20]);
  });
});

describe("undo", () => {
  const markRead: BulkAction = { folder: "INBOX", uids: "1:4", flags: [{ flag: "\\Seen", add: true, uids: "1:4" }] };

  it("clears only the flags the action really set", () => {
    // 2 and 3 were read already: undo must leave them read.
    expect(inverseAction(markRead, [{ flag: "\\Seen", add: true, changed: [1, 4] }], null)).toEqual({
      folder: "INBOX",
      uids: "1,4",
      flags: [{ flag: "\\Seen", add: false, uids: "1,4" }],
    });
  });

  it("has nothing to undo when nothing changed", () => {
    expect(inverseAction(markRead, [], null)).toBeNull();
  });

  it("moves back by the destination UIDs the server reported (COPYUID), with the flags on the new UIDs", () => {
    const spam: BulkAction = {
      folder: "INBOX",
      uids: "3,7",
      to: "Junk",
      flags: [
        { flag: "$Junk", add: true, uids: "3,7" },
        { flag: "$NotJunk", add: false, uids: "3,7" },
      ],
    };
    const undo = inverseAction(
      spam,
      [
        { flag: "$Junk", add: true, changed: [3, 7] },
        { flag: "$NotJunk", add: false, changed: [7] },
      ],
      new Map([
        [3, 101],
        [7, 102],
      ]),
    );
    expect(undo).toEqual({
      folder: "Junk",
      uids: "101:102",
      to: "INBOX",
      flags: [
        { flag: "$Junk", add: false, uids: "101:102" },
        { flag: "$NotJunk", add: true, uids: "102" },
      ],
    });
  });

  it("cannot undo a move without a UID mapping (a server without UIDPLUS)", () => {
    expect(inverseAction({ folder: "INBOX", uids: "1", flags: [], to: "Trash" }, [], null)).toBeNull();
  });

  it("undoing the undo is the original move again", () => {
    const move: BulkAction = { folder: "INBOX", uids: "5", flags: [], to: "Archive" };
    const undo = inverseAction(move, [], [[5, 40]]);
    expect(undo).toEqual({ folder: "Archive", uids: "40", flags: [], to: "INBOX" });
    expect(inverseAction(undo as BulkAction, [], [[40, 6]])).toEqual({ folder: "INBOX", uids: "6", flags: [], to: "Archive" });
  });
});

describe("ESORT's ordered UID sets", () => {
  it("keeps the order written, runs included, in either direction", () => {
    expect(Array.from(parseOrderedUidSet("1:3,7,5,10:8", 100) ?? [])).toEqual([1, 2, 3, 7, 5, 10, 9, 8]);
  });

  it("refuses what is malformed or larger than the folder", () => {
    expect(parseOrderedUidSet("1:*", 100)).toBeNull();
    expect(parseOrderedUidSet("0,1", 100)).toBeNull();
    expect(parseOrderedUidSet("", 100)).toBeNull();
    expect(parseOrderedUidSet("1:4294967295", 100_000)).toBeNull();
    expect(parseOrderedUidSet("1:50,60:110", 100)).toBeNull();
  });
});
