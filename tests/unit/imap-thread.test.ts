// The pure parts of SORT and THREAD: base subjects (RFC 5256 §2.1), the sort order of keys,
// ESEARCH sequence sets, and THREAD=REFERENCES on crafted message sets: missing parents,
// loops in References, duplicate Message-IDs, subject merging, and hostile sizes.
import { describe, expect, it } from "vitest";
import { baseSubject } from "@/lib/mail-server/imap/search/base-subject";
import { orderedSequenceSet } from "@/lib/mail-server/imap/search/results";
import { asciiCasemap, compareText, parseSortProgram, sortItems, type SortItem } from "@/lib/mail-server/imap/search/sort";
import { formatThreads, messageIds, orderedSubject, referencesThreads, type ThreadMessage } from "@/lib/mail-server/imap/search/thread";
import type { ImapToken } from "@/lib/mail-server/imap/protocol";

describe("base subject (RFC 5256 §2.1)", () => {
  const cases: [string, string, boolean][] = [
    ["Hello", "Hello", false],
    ["Re: Hello", "Hello", true],
    ["RE: re: Fwd: FW: hello", "hello", true],
    ["Re[2]: Hello", "Hello", true],
    ["Re [2] : Hello", "Hello", true],
    ["[list] Re: Hello", "Hello", true],
    ["[list] Hello", "Hello", false],
    ["Re: [list] Re: Hello", "Hello", true],
    ["Hello (fwd)", "Hello", true],
    ["Hello (FWD) (fwd)  ", "Hello", true],
    ["[Fwd: Re: Hello]", "Hello", true],
    ["Fwd: [Fwd: [list] Hello (fwd)]", "Hello", true],
    ["  Hello \t  world  ", "Hello world", false],
    // A blob that is all there is stays: it is the subject.
    ["[only a blob]", "[only a blob]", false],
    ["Re: [only a blob]", "[only a blob]", true],
    ["", "", false],
    ["Re:", "", true],
    // Not a leader: "Reply" is no "Re", "Fwd" needs its colon.
    ["Reply: x", "Reply: x", false],
    ["Fwd hello", "Fwd hello", false],
    ["Ré: x", "Ré: x", false],
  ];
  it.each(cases)("%j → %j", (subject, base, replyOrForward) => {
    expect(baseSubject(subject)).toEqual({ base, replyOrForward });
  });

  it("takes time linear-ish in hostile subjects", () => {
    const started = Date.now();
    for (let i = 0; i < 200; i++) baseSubject("[a]".repeat(300) + "Re:".repeat(30));
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("sort keys", () => {
  const atoms = (...words: string[]): ImapToken[] => words.map((value) => ({ type: "atom", value }));
  it("parses REVERSE and keys, and refuses unknown and empty programs", () => {
    expect(parseSortProgram(atoms("REVERSE", "date", "subject"))).toEqual([
      { key: "DATE", reverse: true },
      { key: "SUBJECT", reverse: false },
    ]);
    expect(() => parseSortProgram(atoms("SENDER"))).toThrow(/Unknown sort key/);
    expect(() => parseSortProgram([])).toThrow(/at least one/);
    expect(() => parseSortProgram(atoms("REVERSE"))).toThrow(/REVERSE/);
    expect(() => parseSortProgram(atoms("REVERSE", "REVERSE", "DATE"))).toThrow(/Unknown sort key/);
  });

  it("folds ASCII only and compares code points", () => {
    expect(asciiCasemap("abc é ß")).toBe("ABC é ß");
    expect(compareText("B", "a".toUpperCase())).toBeGreaterThan(0);
    // U+FF21 (3 UTF-8 octets, EF BC A1) sorts before U+1F600 (4 octets, F0 …), unlike UTF-16 order.
    expect(compareText("\uff21", "\u{1f600}")).toBeLessThan(0);
    expect(compareText("", "a")).toBeLessThan(0);
  });

  it("sorts by several keys through ranks, ties by sequence number, REVERSE per key", () => {
    const item = (seq: number, date: number, subject: string, size = 10): SortItem => ({
      seq,
      message: { uid: seq * 10, contentId: seq, arrival: 0, date, size, subject, fromAddress: "", fromName: "", toAddresses: "", ccAddresses: "" },
    });
    const items = [item(1, 5, "b"), item(2, 5, "Re: a"), item(3, 1, "\u{1f600}"), item(4, 5, "A"), item(5, 9, "\uff21")];
    const seqs = (program: string[]) => sortItems(items, parseSortProgram(program.map((value) => ({ type: "atom", value })))).map((i) => i.seq);
    expect(seqs(["DATE"])).toEqual([3, 1, 2, 4, 5]);
    expect(seqs(["REVERSE", "DATE"])).toEqual([5, 1, 2, 4, 3]);
    expect(seqs(["SUBJECT", "REVERSE", "DATE"])).toEqual([2, 4, 1, 5, 3]);
    expect(seqs(["REVERSE", "SUBJECT"])).toEqual([3, 5, 1, 2, 4]);
    expect(seqs(["SIZE"])).toEqual([1, 2, 3, 4, 5]);
  });

  it("writes ESEARCH sets with ascending runs, in the order given", () => {
    expect(orderedSequenceSet([1, 2, 3, 5, 7, 8])).toBe("1:3,5,7:8");
    expect(orderedSequenceSet([9, 3, 4, 1])).toBe("9,3:4,1");
    expect(orderedSequenceSet([])).toBe("");
  });
});

let dayCounter = 0;
function message(seq: number, fields: Partial<ThreadMessage> = {}): ThreadMessage {
  return { number: seq, seq, date: Date.UTC(2024, 0, 1) + (fields.date ?? ++dayCounter) * 86_400_000, subject: `subject ${seq}`, messageId: `<m${seq}@x>`, inReplyTo: "", references: "", ...fields };
}
const threads = (messages: ThreadMessage[]) => formatThreads(referencesThreads(messages));

describe("THREAD=REFERENCES", () => {
  it("parses msg-ids and skips what isn't one", () => {
    expect(messageIds("<a@b> junk <c d@e> <noat> <@x> <y@>  <f@g>")).toEqual(["a@b", "cd@e", "f@g"]);
  });

  it("threads by References and In-Reply-To, children by date", () => {
    const set = [
      message(1, { date: 1 }),
      message(2, { date: 2, references: "<m1@x>", subject: "Re: subject 1" }),
      message(3, { date: 3, inReplyTo: "<m1@x>", subject: "Re: subject 1" }),
      message(4, { date: 4, references: "<m1@x> <m2@x>", subject: "x" }),
      message(5, { date: 5, subject: "other" }),
    ];
    expect(threads(set)).toBe("(1 (2 4)(3))(5)");
  });

  it("keeps a dummy for a missing parent of several replies, and drops it for one", () => {
    const set = [
      message(1, { date: 1, references: "<gone@x>", subject: "a" }),
      message(2, { date: 2, references: "<gone@x>", subject: "b" }),
      message(3, { date: 3, references: "<gone2@x> <m9@x>", subject: "c" }),
    ];
    expect(threads(set)).toBe("((1)(2))(3)");
  });

  it("promotes a missing middle message's children", () => {
    const set = [message(1, { date: 1 }), message(2, { date: 2, references: "<m1@x> <gone@x>", subject: "x" }), message(3, { date: 3, references: "<m1@x> <gone@x>", subject: "y" })];
    expect(threads(set)).toBe("(1 (2)(3))");
  });

  it("survives loops in References and self references", () => {
    const set = [
      message(1, { date: 1, references: "<m2@x> <m1@x>" }),
      message(2, { date: 2, references: "<m1@x> <m2@x>" }),
      message(3, { date: 3, references: "<m3@x>" }),
      message(4, { date: 4, references: "<m4@x> <m3@x> <m4@x>" }),
    ];
    const out = threads(set);
    for (const n of [1, 2, 3, 4]) expect(out.match(new RegExp(`\\b${n}\\b`, "g"))).toHaveLength(1);
    // A message whose last reference is itself has no parent (step 1B refuses the loop); 4's
    // References made it 3's parent before the loop back to 4 was refused.
    expect(out).toBe("(1)(2)(4 3)");
  });

  it("gives a duplicate Message-ID to the first message only", () => {
    const set = [message(1, { date: 1 }), message(2, { date: 2, messageId: "<m1@x>", subject: "dup" }), message(3, { date: 3, references: "<m1@x>", subject: "z" })];
    expect(threads(set)).toBe("(1 3)(2)");
  });

  it("merges threads by base subject (step 5)", () => {
    const set = [
      message(1, { date: 1, subject: "Lunch", messageId: "<a@x>" }),
      message(2, { date: 2, subject: "Re: lunch", messageId: "<b@x>" }),
      message(3, { date: 3, subject: "Dinner", messageId: "<c@x>" }),
      message(4, { date: 4, subject: "dinner", messageId: "<d@x>" }),
      message(5, { date: 5, subject: "", messageId: "<e@x>" }),
      message(6, { date: 6, subject: "", messageId: "<f@x>" }),
    ];
    // A reply goes under the original; two originals get a dummy parent; empty subjects never merge.
    expect(threads(set)).toBe("(1 2)((3)(4))(5)(6)");
  });

  it("puts a subject match under an existing dummy thread", () => {
    const set = [
      message(1, { date: 1, references: "<gone@x>", subject: "Topic" }),
      message(2, { date: 2, references: "<gone@x>", subject: "Re: Topic" }),
      message(3, { date: 3, subject: "Re: topic", messageId: "<z@x>" }),
    ];
    expect(threads(set)).toBe("((1)(2)(3))");
  });

  it("handles hostile sizes: thousands of references, a 20,000-deep chain, 20,000 siblings", () => {
    const refs = Array.from({ length: 3000 }, (_, i) => `<r${i % 1500}@x>`).join(" ");
    const started = Date.now();
    const hostile = [message(1, { references: refs }), message(2, { references: refs.split(" ").reverse().join(" ") })];
    expect(threads(hostile)).toMatch(/^\(.*\)$/);
    const chain = Array.from({ length: 20_000 }, (_, i) => message(i + 1, { date: i, subject: "s", references: i ? `<m${i}@x>` : "" }));
    const out = threads(chain);
    expect(out.length).toBeGreaterThan(20_000);
    expect(out.startsWith("(1 2 3 ")).toBe(true);
    const siblings = Array.from({ length: 20_000 }, (_, i) => message(i + 2, { date: i, subject: `t${i}`, references: "<root@x>" }));
    expect(threads(siblings).startsWith("((2)(3)")).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("THREAD=ORDEREDSUBJECT", () => {
  it("groups by base subject, oldest first as parent, threads by first date", () => {
    const set = [
      message(1, { date: 5, subject: "b" }),
      message(2, { date: 1, subject: "a" }),
      message(3, { date: 2, subject: "Re: B" }),
      message(4, { date: 3, subject: "a" }),
      message(5, { date: 4, subject: "Re: a" }),
      message(6, { date: 9, subject: "c" }),
      message(7, { date: 8, subject: "B" }),
    ];
    expect(formatThreads(orderedSubject(set))).toBe("(2 (4)(5))(3 (1)(7))(6)");
    expect(formatThreads(orderedSubject([message(1), message(2, { subject: "Re: subject 1" })]))).toBe("(1 2)");
  });
});
