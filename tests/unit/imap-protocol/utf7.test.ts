// Modified UTF-7 mailbox names (RFC 3501 §5.1.3): the RFC's examples, round trips through
// CJK, accents, emoji and controls, and every non-canonical or broken form refused.
import { describe, expect, it } from "vitest";
import { decodeMailboxName, encodeMailboxName } from "@/lib/mail-server/imap/protocol/utf7";
import { ImapSyntaxError } from "@/lib/mail-server/imap/protocol/tokens";
import { seeded } from "../helpers/random";

describe("modified UTF-7", () => {
  it("matches RFC 3501's examples", () => {
    expect(encodeMailboxName("~peter/mail/台北/日本語")).toBe("~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    expect(decodeMailboxName("~peter/mail/&U,BTFw-/&ZeVnLIqe-")).toBe("~peter/mail/台北/日本語");
    expect(encodeMailboxName("台北")).toBe("&U,BTFw-");
    expect(decodeMailboxName("&U,BTFw-")).toBe("台北");
  });

  it("writes & as &- and leaves printable ASCII alone", () => {
    expect(encodeMailboxName("&")).toBe("&-");
    expect(decodeMailboxName("&-")).toBe("&");
    expect(encodeMailboxName("Tom & Jerry")).toBe("Tom &- Jerry");
    expect(decodeMailboxName("&-&-")).toBe("&&");
    const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join("");
    expect(decodeMailboxName(encodeMailboxName(ascii))).toBe(ascii);
    expect(encodeMailboxName("INBOX.Sent Items")).toBe("INBOX.Sent Items");
  });

  it("round-trips accents, emoji (surrogate pairs), controls and mixed names", () => {
    expect(encodeMailboxName("Entwürfe")).toBe("Entw&APw-rfe");
    expect(encodeMailboxName("😀")).toBe("&2D3eAA-");
    for (const name of ["Entwürfe", "😀", "a😀b🎉c", "Ελληνικά/Пример", "tab\there", "é&é", "&台北&", "", "日本語 & 中文 😀"]) {
      const wire = encodeMailboxName(name);
      expect(wire, name).toMatch(/^[\x20-\x7e]*$/);
      expect(decodeMailboxName(wire), name).toBe(name);
    }
  });

  it("round-trips random names", () => {
    const random = seeded(7888);
    const alphabet = ["a", "Z", "&", "-", "/", " ", ".", "é", "台", "😀", "\u0001", "\u00a0", "\uffff", ",", "+"];
    for (let i = 0; i < 500; i++) {
      const name = Array.from({ length: random.int(12) }, () => random.pick(alphabet)).join("");
      expect(decodeMailboxName(encodeMailboxName(name)), JSON.stringify(name)).toBe(name);
    }
  });

  it("refuses invalid and non-canonical encodings", () => {
    const cases: Array<[string, RegExp]> = [
      ["&U,BTFw", /without a closing/],
      ["&", /without a closing/],
      ["a&b", /without a closing/],
      ["&U,BTFw=-", /padding/],
      ["&AGE=-", /padding/],
      ["&U/BTFw-", /invalid modified base64/],
      ["&U,B?Fw-", /invalid modified base64/],
      ["&U,BTFx-", /non-canonical/], // leftover bits not zero
      ["&U,BTFwA-", /non-canonical/], // one character too many
      ["&AG-", /non-canonical/], // half a UTF-16 unit
      ["&AGEA-", /non-canonical/], // three bytes
      ["&AEEAQg-", /printable ASCII/], // "AB" encoded
      ["&ACY-", /printable ASCII/], // "&" encoded
      ["&2D0-", /lone surrogate/],
      ["&3gA-", /lone surrogate/],
      ["&AOk-&AOk-", /adjacent/],
      ["台北", /outside printable ASCII/],
      ["a\tb", /outside printable ASCII/],
    ];
    for (const [wire, message] of cases) {
      expect(() => decodeMailboxName(wire), wire).toThrow(ImapSyntaxError);
      expect(() => decodeMailboxName(wire), wire).toThrow(message);
    }
    // Adjacent after "&-" is fine: that is a literal "&", not a second run.
    expect(decodeMailboxName("&AOk-&-")).toBe("é&");
  });

  it("refuses to encode a lone surrogate", () => {
    expect(() => encodeMailboxName("a\ud800b")).toThrow(RangeError);
    expect(() => encodeMailboxName("\udc00")).toThrow(RangeError);
  });
});
