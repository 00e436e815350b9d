// The POP3 wire format (lib/mail-server/pop3/protocol.ts): command lines, dot-stuffing, TOP.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dotStuff as stuffPieces, parseCommand, parseMessageNumber, Pop3SyntaxError, topOf } from "@/lib/mail-server/pop3/protocol";

const dotStuff = (message: Buffer) => Buffer.concat(stuffPieces(message));

/** What a client does with a multi-line response (RFC 1939 §3): up to ".CRLF", one leading dot off each line. */
function unstuff(body: Buffer): string {
  const text = body.toString("latin1");
  expect(text.endsWith("\r\n.\r\n") || text === ".\r\n").toBe(true);
  const lines = text.slice(0, -3).split("\r\n");
  lines.pop();
  return lines.map((line) => (line.startsWith(".") ? line.slice(1) : line)).join("\r\n") + (lines.length ? "\r\n" : "");
}

describe("POP3 command lines", () => {
  it("takes the keyword case-insensitively and splits arguments; PASS keeps its spaces", () => {
    expect(parseCommand("retr 12")).toEqual({ name: "RETR", args: ["12"], rest: "12" });
    expect(parseCommand("STAT ")).toMatchObject({ name: "STAT", args: [] });
    expect(parseCommand("PASS my secret  pass")).toMatchObject({ name: "PASS", rest: "my secret  pass" });
    expect(parseCommand("TOP 1 10").args).toEqual(["1", "10"]);
  });

  it("refuses what RFC 1939 doesn't allow", () => {
    for (const bad of ["", "RE", "RETRIEVE 1", "RE1R", "LIST  1", `USER ${"x".repeat(41)}`, "\u00e9tat"]) expect(() => parseCommand(bad), bad).toThrow(Pop3SyntaxError);
  });

  it("accepts message numbers 1..count only, as digits", () => {
    expect(parseMessageNumber("3", 3)).toBe(3);
    for (const bad of ["0", "4", "-1", "1.0", "+1", "", undefined, "99999999999"]) expect(parseMessageNumber(bad, 3)).toBeNull();
  });
});

describe("dot-stuffing", () => {
  it("doubles leading dots, adds CR to bare LF, ends with .CRLF", () => {
    expect(dotStuff(Buffer.from(".a\r\nb\n..c")).toString()).toBe("..a\r\nb\r\n...c\r\n.\r\n");
    expect(dotStuff(Buffer.alloc(0)).toString()).toBe(".\r\n");
    expect(dotStuff(Buffer.from("x\r\n")).toString()).toBe("x\r\n.\r\n");
    expect(dotStuff(Buffer.from("\n.\n")).toString()).toBe("\r\n..\r\n.\r\n");
    // Nothing to add: the message itself is sent, not a copy.
    const clean = Buffer.from("a\r\nb\r\n");
    const [body] = stuffPieces(clean);
    expect([body.buffer, body.byteOffset, body.length]).toEqual([clean.buffer, clean.byteOffset, clean.length]);
  });

  it("round-trips any CRLF text through a client's unstuffing", () => {
    const line = fc.stringMatching(/^[.a-z \t]{0,12}$/);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const text = lines.map((l) => `${l}\r\n`).join("");
        expect(unstuff(dotStuff(Buffer.from(text, "latin1")))).toBe(text);
      }),
    );
  });
});

describe("TOP", () => {
  const message = Buffer.from("Subject: x\r\nFrom: a@b\r\n\r\nline 1\r\nline 2\r\nline 3\r\n");
  it("gives the header, the blank line and n body lines", () => {
    expect(topOf(message, 0).toString()).toBe("Subject: x\r\nFrom: a@b\r\n\r\n");
    expect(topOf(message, 2).toString()).toBe("Subject: x\r\nFrom: a@b\r\n\r\nline 1\r\nline 2\r\n");
    expect(topOf(message, 99).toString()).toBe(message.toString());
    expect(topOf(Buffer.from("Subject: x\nFrom: a\n\nbody\n"), 0).toString()).toBe("Subject: x\nFrom: a\n\n");
    expect(topOf(Buffer.from("Subject: only a header\r\n"), 5).toString()).toBe("Subject: only a header\r\n");
  });
});
