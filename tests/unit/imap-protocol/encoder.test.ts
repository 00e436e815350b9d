// The response encoder (lib/mail-server/imap/protocol/encoder.ts): how strings are chosen
// (atom, quoted, literal; RFC 3501 §4.3, RFC 6855 utf8-quoted), literal sizes in bytes,
// lists, status responses with codes, continuations, and the builder.
import { describe, expect, it } from "vitest";
import {
  astring,
  continuation,
  list,
  literal,
  MAX_QUOTED,
  nstring,
  quoted,
  ResponseBuilder,
  responseCode,
  string,
  tagged,
  untagged,
  untaggedStatus,
  listText,
} from "@/lib/mail-server/imap/protocol/encoder";
import { tokenize } from "@/lib/mail-server/imap/protocol/tokens";

const text = (b: Buffer) => b.toString("latin1");
const utf8 = (b: Buffer) => b.toString("utf8");

describe("strings", () => {
  it("quotes with escapes for \\ and \"", () => {
    expect(text(quoted('a"b\\c'))).toBe('"a\\"b\\\\c"');
    expect(text(quoted(""))).toBe('""');
    expect(() => quoted("a\r\nb")).toThrow(RangeError);
    expect(() => quoted("台北")).toThrow(RangeError);
    expect(utf8(quoted("台北", { utf8: true }))).toBe('"台北"');
  });

  it("counts literal sizes in bytes, not characters", () => {
    expect(utf8(literal("台北"))).toBe("{6}\r\n台北");
    expect(utf8(literal("😀"))).toBe("{4}\r\n😀");
    expect(text(literal(Buffer.from([0, 1, 2]), { binary: true }))).toBe("~{3}\r\n\0\x01\x02");
    expect(text(literal(""))).toBe("{0}\r\n");
  });

  it("nstring: NIL, quoted, or literal by content", () => {
    expect(text(nstring(null))).toBe("NIL");
    expect(text(nstring(undefined))).toBe("NIL");
    expect(text(nstring("NIL"))).toBe('"NIL"');
    expect(text(nstring(""))).toBe('""');
    expect(text(nstring('say "hi"'))).toBe('"say \\"hi\\""');
    expect(text(nstring("a\r\nb"))).toBe("{4}\r\na\r\nb");
    expect(text(nstring("a\nb"))).toBe("{3}\r\na\nb");
    expect(text(nstring("a\rb"))).toBe("{3}\r\na\rb");
    expect(text(nstring("a\0b"))).toBe("{3}\r\na\0b");
    // 8-bit: a literal without UTF8=ACCEPT, quoted with it, but a literal again if not UTF-8.
    expect(utf8(nstring("Grüße"))).toBe("{7}\r\nGrüße");
    expect(utf8(nstring("Grüße", { utf8: true }))).toBe('"Grüße"');
    expect(text(nstring(Buffer.from([0x61, 0xe9]), { utf8: true }))).toBe("{2}\r\na\xe9");
    // Long values go as literals.
    expect(text(nstring("x".repeat(MAX_QUOTED)))).toBe(`"${"x".repeat(MAX_QUOTED)}"`);
    expect(text(nstring("x".repeat(MAX_QUOTED + 1)))).toBe(`{${MAX_QUOTED + 1}}\r\n${"x".repeat(MAX_QUOTED + 1)}`);
    expect(text(string("plain"))).toBe('"plain"');
  });

  it("astring: a bare atom only when unambiguous", () => {
    expect(text(astring("INBOX"))).toBe("INBOX");
    expect(text(astring("&U,BTFw-"))).toBe("&U,BTFw-");
    expect(text(astring("Sent Items"))).toBe('"Sent Items"');
    expect(text(astring(""))).toBe('""');
    expect(text(astring("NIL"))).toBe('"NIL"');
    expect(text(astring("nil"))).toBe('"nil"');
    for (const special of ["a%", "a*", "[Gmail]", "a]", "a(b", "a{b", 'a"b', "a\\b"]) {
      expect(text(astring(special)).startsWith('"'), special).toBe(true);
    }
    expect(utf8(astring("台北"))).toBe("{6}\r\n台北");
    expect(utf8(astring("台北", { utf8: true }))).toBe('"台北"');
  });

  it("writes what the tokenizer reads back", () => {
    const values = ["", "a", 'q"uote\\', "a\r\nb", "NIL", "x".repeat(2000), "Grüße", "tab\there"];
    for (const value of values) {
      for (const options of [{}, { utf8: true }]) {
        const wire = Buffer.concat([Buffer.from("A1 X "), nstring(value, options), Buffer.from(" "), astring(value, options)]);
        const args = tokenize(wire, options).args;
        for (const token of args) {
          const back = token.type === "string" ? token.value.toString("utf8") : token.type === "atom" ? token.value : "";
          expect(back, JSON.stringify({ value, options })).toBe(value);
        }
      }
    }
  });
});

describe("responses", () => {
  it("builds lists", () => {
    expect(text(list([]))).toBe("()");
    expect(text(list(["\\Seen", "\\Answered"]))).toBe("(\\Seen \\Answered)");
    expect(text(list(["UID", "3", "BODY[]", literal("hi")]))).toBe("(UID 3 BODY[] {2}\r\nhi)");
    expect(text(list([list(["a"]), nstring(null)]))).toBe("((a) NIL)");
  });

  it("writes untagged responses with parts separated by spaces", () => {
    expect(text(untagged("5", "EXISTS"))).toBe("* 5 EXISTS\r\n");
    expect(text(untagged("FLAGS", list(["\\Seen", "\\Deleted"])))).toBe("* FLAGS (\\Seen \\Deleted)\r\n");
    expect(utf8(untagged("12", "FETCH", list(["BODY[HEADER]", literal("Subject: 台北\r\n")])))).toBe("* 12 FETCH (BODY[HEADER] {17}\r\nSubject: 台北\r\n)\r\n");
    expect(text(untagged("LIST", list(["\\HasNoChildren"]), quoted("/"), astring("Sent Items")))).toBe('* LIST (\\HasNoChildren) "/" "Sent Items"\r\n');
    // All-text parts take the one-string path; a keyword's non-ASCII text still goes as UTF-8.
    const keywords = untagged("FLAGS", listText(["\\Seen", "$台北"]));
    expect(utf8(keywords)).toBe("* FLAGS (\\Seen $台北)\r\n");
    expect(keywords.length).toBe(Buffer.byteLength("* FLAGS (\\Seen $台北)\r\n"));
  });

  it("writes tagged and untagged status responses with response codes", () => {
    expect(text(tagged("A1", "OK", "LOGIN completed"))).toBe("A1 OK LOGIN completed\r\n");
    expect(text(tagged("A2", "NO", "No such mailbox", "TRYCREATE"))).toBe("A2 NO [TRYCREATE] No such mailbox\r\n");
    expect(text(tagged("A3", "OK", "APPEND completed", responseCode("APPENDUID", 38505, 3955)))).toBe("A3 OK [APPENDUID 38505 3955] APPEND completed\r\n");
    expect(text(untaggedStatus("OK", "Predicted next UID", responseCode("UIDNEXT", 5)))).toBe("* OK [UIDNEXT 5] Predicted next UID\r\n");
    expect(text(untaggedStatus("OK", "Flags", `PERMANENTFLAGS ${text(list(["\\Seen", "\\*"]))}`))).toBe("* OK [PERMANENTFLAGS (\\Seen \\*)] Flags\r\n");
    expect(text(untaggedStatus("BYE", "Logging out"))).toBe("* BYE Logging out\r\n");
    expect(text(tagged("A4", "BAD", "bad\r\ninjected"))).toBe("A4 BAD bad injected\r\n");
    expect(text(tagged("A5", "OK", ""))).toBe("A5 OK completed\r\n");
  });

  it("writes continuation requests", () => {
    expect(text(continuation("Ready"))).toBe("+ Ready\r\n");
    expect(text(continuation())).toBe("+ \r\n");
    expect(text(continuation("a\r\nb"))).toBe("+ a b\r\n");
  });

  it("accumulates parts once", () => {
    const builder = new ResponseBuilder().add("* 1 FETCH (").add("BODY[] ", literal("台")).sp().add(Buffer.from("UID 7)")).crlf();
    expect(builder.byteLength).toBe(Buffer.byteLength("* 1 FETCH (BODY[] {3}\r\n台 UID 7)\r\n"));
    expect(utf8(builder.toBuffer())).toBe("* 1 FETCH (BODY[] {3}\r\n台 UID 7)\r\n");
  });
});
