// How a reply or forward starts (components/compose/reply.ts) and how typed recipients are read.
import { describe, expect, it } from "vitest";
import { answerBody, answerRecipients, answerSubject, quoteText, textToHtml } from "@/components/compose/reply";
import { isValidAddress, parseRecipient, type OriginalMessage } from "@/lib/user-agent/compose/types";

const me = "alice@example.test";

function original(overrides: Partial<OriginalMessage> = {}): OriginalMessage {
  return {
    folder: "INBOX",
    uid: 7,
    subject: "Plans",
    from: [{ name: "Bob", address: "bob@example.test" }],
    to: [{ name: "Alice", address: "Alice@Example.test" }, { name: "Carol", address: "carol@example.test" }],
    cc: [{ name: "", address: "dave@example.test" }, { name: "", address: "alice@example.test" }],
    replyTo: [],
    date: "2026-11-26T10:00:00.000Z",
    text: "Line one\nLine two\n\n> older quote\n",
    attachments: [],
    ...overrides,
  };
}

describe("answering a message", () => {
  it("Re: and Fwd: are added once, whatever the language of an existing prefix", () => {
    expect(answerSubject("Plans", "reply")).toBe("Re: Plans");
    expect(answerSubject("Re: Plans", "all")).toBe("Re: Plans");
    expect(answerSubject("AW: Pläne", "reply")).toBe("AW: Pläne");
    expect(answerSubject("回复：计划", "reply")).toBe("回复：计划");
    expect(answerSubject("Re: Plans", "forward")).toBe("Fwd: Re: Plans");
    expect(answerSubject("Fwd: Plans", "forward")).toBe("Fwd: Plans");
    expect(answerSubject("FW: Plans", "forward")).toBe("FW: Plans");
  });

  it("reply goes to Reply-To when there is one, else to the sender", () => {
    expect(answerRecipients(original(), "reply", [me])).toEqual({ to: [{ name: "Bob", address: "bob@example.test" }], cc: [] });
    const list = { name: "List", address: "list@example.test" };
    expect(answerRecipients(original({ replyTo: [list] }), "reply", [me]).to).toEqual([list]);
  });

  it("reply all keeps everyone once and drops the user's own addresses, in any case", () => {
    const { to, cc } = answerRecipients(original(), "all", [me]);
    expect(to.map((entry) => entry.address)).toEqual(["bob@example.test", "carol@example.test"]);
    expect(cc.map((entry) => entry.address)).toEqual(["dave@example.test"]);
  });

  it("answering one's own message goes to its recipients", () => {
    const mine = original({ from: [{ name: "Alice", address: me }], to: [{ name: "Bob", address: "bob@example.test" }], cc: [] });
    expect(answerRecipients(mine, "reply", [me]).to.map((entry) => entry.address)).toEqual(["bob@example.test"]);
  });

  it("a forward starts with nobody", () => {
    expect(answerRecipients(original(), "forward", [me])).toEqual({ to: [], cc: [] });
  });

  it("the quote: the header line, then the original in a blockquote (HTML) or behind '> ' (text)", () => {
    const body = answerBody(original({ text: "a < b & c\nnext\n\nsecond" }), "reply", "On Thursday, Bob wrote:");
    expect(body.html).toBe("<p></p><p>On Thursday, Bob wrote:</p><blockquote><p>a &lt; b &amp; c<br>next</p><p>second</p></blockquote>");
    expect(body.text).toBe("\n\nOn Thursday, Bob wrote:\n> a < b & c\n> next\n> \n> second\n");
    expect(quoteText("> older\nnew")).toBe(">> older\n> new");
  });

  it("a forward shows the header block and the text unquoted", () => {
    const body = answerBody(original({ text: "Hello" }), "forward", "---- Forwarded ----\nFrom: Bob");
    expect(body.html).toBe("<p></p><p>---- Forwarded ----<br>From: Bob</p><p>Hello</p>");
    expect(textToHtml("x\r\ny")).toBe("<p>x<br>y</p>");
  });
});

describe("typed recipients", () => {
  it("reads 'Name <address>', quoted names and bare addresses", () => {
    expect(parseRecipient(" Bob Smith <bob@example.test> ")).toEqual({ name: "Bob Smith", address: "bob@example.test" });
    expect(parseRecipient('"Smith, Bob" <bob@example.test>')).toEqual({ name: "Smith, Bob", address: "bob@example.test" });
    expect(parseRecipient("bob@example.test")).toEqual({ name: "", address: "bob@example.test" });
  });

  it("accepts addresses that can be mailed, single-label domains included; flags the rest", () => {
    for (const good of ["bob@example.test", "admin@localhost", "first.last+tag@sub.example.org"]) expect(isValidAddress(good)).toBe(true);
    for (const bad of ["", "bob", "bob@", "@example.test", "bob@@example.test", "bob smith@example.test", "bob@example..test", "<bob@example.test>"]) expect(isValidAddress(bad)).toBe(false);
  });
});
