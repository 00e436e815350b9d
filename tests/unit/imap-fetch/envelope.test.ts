// ENVELOPE (RFC 3501 §7.4.2) from messages run through analyzeMessage, against text derived
// from RFC 3501's own example (§8), and the string forms: quoted, escaped, literal.
import { describe, expect, it } from "vitest";
import { analyzeMessage, type Envelope } from "@/lib/mime/analyze";
import { renderBodyStructure, renderEnvelope } from "@/lib/mail-server/imap/fetch";
import { lines, RFC3501_EXAMPLE, SINGLE } from "./messages";

const text = (buffer: Buffer) => buffer.toString("utf8");

describe("renderEnvelope", () => {
  it("writes RFC 3501 §8's example envelope and body", async () => {
    const analysis = await analyzeMessage(RFC3501_EXAMPLE);
    // As printed in RFC 3501 §8 except for one space: the RFC's sample puts a space between
    // the two cc addresses, which its own grammar ("(" 1*address ")") doesn't allow and no
    // server sends (Dovecot doesn't).
    expect(text(renderEnvelope(analysis.envelope))).toBe(
      '("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" ' +
        '(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
        '(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ' +
        '((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL ' +
        '"<B27397-0100000@cac.washington.edu>")',
    );
    expect(text(renderBodyStructure(analysis.structure, false))).toBe('("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92)');
  });

  it("writes groups with their markers, 8-bit names as literals, escapes quotes, keeps encoded words", async () => {
    const analysis = await analyzeMessage(SINGLE.raw);
    const name = Buffer.from("Müller, Jürgen", "utf8");
    expect(text(renderEnvelope(analysis.envelope))).toBe(
      '("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" ' +
        '(("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
        // No Sender: the From address (RFC 3501 §7.4.2).
        '(("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
        '(("Terry \\"T\\" Gray" NIL "reply" "x.test")) ' +
        // A group opens with (NIL NIL name NIL) and closes with (NIL NIL NIL NIL); an empty
        // group is just the two markers.
        '((NIL NIL "imap" "cac.washington.edu")(NIL NIL "Team" NIL)' +
        `({${name.length}}\r\n${name.toString("utf8")} NIL "jm" "example.de")(NIL NIL "b" "x.test")(NIL NIL NIL NIL)` +
        '(NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) ' +
        // A folded Cc is one list.
        '((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) ' +
        // Encoded words stay encoded: ENVELOPE carries the header's text.
        '(("=?utf-8?q?Gr=C3=BC=C3=9Fe?=" NIL "hidden" "x.test")) ' +
        '"<prev@cac.washington.edu>" "<B27397-0100000@cac.washington.edu>")',
    );
  });

  it("writes NIL for every missing field", () => {
    const empty: Envelope = { date: null, subject: null, from: null, sender: null, replyTo: null, to: null, cc: null, bcc: null, inReplyTo: null, messageId: null };
    expect(text(renderEnvelope(empty))).toBe("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
    expect(text(renderEnvelope({ ...empty, to: [] }))).toBe("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
  });

  it("quotes what it can and sends the rest as literals counted in bytes", () => {
    const envelope: Envelope = {
      date: "",
      subject: 'a "quoted" \\ backslash',
      from: [["Zoë", "@route", "z", "x.test"]],
      sender: null,
      replyTo: null,
      to: null,
      cc: null,
      bcc: null,
      inReplyTo: "line\r\nbreak",
      messageId: "nul\0byte",
    };
    const out = renderEnvelope(envelope);
    expect(out.toString("utf8")).toBe(
      '("" "a \\"quoted\\" \\\\ backslash" (({4}\r\nZoë "@route" "z" "x.test")) NIL NIL NIL NIL NIL {11}\r\nline\r\nbreak "nulbyte")',
    );
    // The literal length is the UTF-8 byte count, not the character count.
    expect(Buffer.byteLength("Zoë")).toBe(4);
  });

  it("writes the envelope of the message a message/rfc822 part encloses", async () => {
    const inner = lines("From: Ann <ann@x.test>", "Subject: inner", "", "hi");
    const raw = Buffer.from(lines("From: b@x.test", "Subject: outer", "Content-Type: message/rfc822", "") + inner, "utf8");
    const analysis = await analyzeMessage(raw);
    expect(analysis.structure.envelope).toBeDefined();
    expect(text(renderEnvelope(analysis.structure.envelope as Envelope))).toBe(
      '(NIL "inner" (("Ann" NIL "ann" "x.test")) (("Ann" NIL "ann" "x.test")) (("Ann" NIL "ann" "x.test")) NIL NIL NIL NIL NIL)',
    );
  });
});
