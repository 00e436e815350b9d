// Messages for the FETCH tests, built from named pieces so the expected sizes, line counts and
// section bytes come from the pieces themselves rather than from the analysis under test.
// Every part body here ends with CRLF before the delimiter's own CRLF, so "lines" is the
// number of CRLFs whichever way a server counts a last line without one (see LINES_DIFFER).

export const lines = (...list: string[]) => list.map((line) => `${line}\r\n`).join("");
export const bytes = (text: string) => Buffer.byteLength(text, "utf8");
export const crlfCount = (text: string) => text.split("\r\n").length - 1;

/** 1. One text/plain part; groups in To, an 8-bit display name, every envelope field. */
export const SINGLE = (() => {
  const header = lines(
    "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
    "From: Terry Gray <gray@cac.washington.edu>",
    "Subject: IMAP4rev1 WG mtg summary and minutes",
    'To: imap@cac.washington.edu, Team: "Müller, Jürgen" <jm@example.de>, b@x.test;, undisclosed-recipients:;',
    "cc: minutes@CNRI.Reston.VA.US,",
    " John Klensin <KLENSIN@MIT.EDU>",
    "Bcc: =?utf-8?q?Gr=C3=BC=C3=9Fe?= <hidden@x.test>",
    "Reply-To: \"Terry \\\"T\\\" Gray\" <reply@x.test>",
    "In-Reply-To: <prev@cac.washington.edu>",
    "Message-Id: <B27397-0100000@cac.washington.edu>",
    "MIME-Version: 1.0",
    "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII",
    "",
  );
  const body = lines("Minutes of the meeting.", "", "Nothing else.");
  return { header, body, raw: Buffer.from(header + body, "utf8") };
})();

/** 2. multipart/mixed: a quoted-printable text and a base64 attachment with every extension field. */
export const MIXED = (() => {
  const header = lines(
    "From: a@x.test",
    "To: b@x.test",
    "Subject: report",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="=_outer"',
    "Content-Language: en",
    "",
  );
  const preamble = lines("This is a multi-part message in MIME format.");
  const textHeader = lines("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "");
  const textBody = lines("Gr=C3=BC=C3=9Fe,", "see the report.");
  const pdfHeader = lines(
    'Content-Type: application/pdf; name="report.pdf"',
    "Content-Transfer-Encoding: base64",
    "Content-ID: <report@x.test>",
    'Content-Description: the "report"',
    "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==",
    'Content-Disposition: attachment; filename="report.pdf"; size=6',
    "Content-Language: en, de",
    "Content-Location: http://x.test/report.pdf",
    "",
  );
  const pdfBody = lines("JVBERi0x");
  const epilogue = lines("epilogue");
  const text =
    preamble +
    "--=_outer\r\n" + textHeader + textBody +
    "\r\n--=_outer\r\n" + pdfHeader + pdfBody +
    "\r\n--=_outer--\r\n" + epilogue;
  return { header, text, textHeader, textBody, pdfHeader, pdfBody, raw: Buffer.from(header + text, "utf8") };
})();

/** 3. multipart/alternative nested in multipart/mixed, then an inline image. */
export const NESTED = (() => {
  const header = lines("From: a@x.test", "Subject: nested", "Content-Type: multipart/mixed; boundary=outer", "");
  const altHeader = lines("Content-Type: multipart/alternative; boundary=inner", "");
  const plainHeader = lines("Content-Type: text/plain; charset=us-ascii", "");
  const plainBody = lines("plain");
  const htmlHeader = lines("Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: 8bit", "");
  const htmlBody = lines("<p>Grüße</p>");
  // The nested multipart's body runs from its first delimiter to the end of its epilogue: the
  // CRLF before the parent's next delimiter belongs to that delimiter (RFC 2046 §5.1.1).
  const altBody = "--inner\r\n" + plainHeader + plainBody + "\r\n--inner\r\n" + htmlHeader + htmlBody + "\r\n--inner--\r\n";
  const pngHeader = lines("Content-Type: image/png", "Content-Transfer-Encoding: base64", "Content-ID: <img1>", "Content-Disposition: inline", "");
  const pngBody = lines("iVBORw0KGgo=");
  const text = "--outer\r\n" + altHeader + altBody + "\r\n--outer\r\n" + pngHeader + pngBody + "\r\n--outer--\r\n";
  return { header, text, altHeader, altBody, plainHeader, plainBody, htmlHeader, htmlBody, pngHeader, pngBody, raw: Buffer.from(header + text, "utf8") };
})();

/** 4. A forward: text, a message/rfc822 with a multipart inside, a message/rfc822 with a single part. */
export const FORWARD = (() => {
  const header = lines("From: c@x.test", "To: d@x.test", "Subject: Fwd: hello", "Content-Type: multipart/mixed; boundary=fwd", "");
  const textHeader = lines("Content-Type: text/plain", "");
  const textBody = lines("See below.");
  const msgHeader = lines("Content-Type: message/rfc822", "Content-Disposition: inline", "");
  const innerHeader = lines(
    "Date: Mon, 1 Jan 2024 10:00:00 +0000",
    "From: Ann <ann@x.test>",
    "X-Folded: one,",
    "\ttwo",
    "To: c@x.test",
    "Subject: hello",
    "Message-ID: <inner@x.test>",
    "Content-Type: multipart/alternative; boundary=alt",
    "",
  );
  const innerPlainHeader = lines("Content-Type: text/plain; charset=utf-8", "");
  const innerPlainBody = lines("hi", "there");
  const innerHtmlHeader = lines("Content-Type: text/html; charset=utf-8", "");
  const innerHtmlBody = lines("<p>hi</p>");
  const innerText = "--alt\r\n" + innerPlainHeader + innerPlainBody + "\r\n--alt\r\n" + innerHtmlHeader + innerHtmlBody + "\r\n--alt--\r\n";
  const inner = innerHeader + innerText;
  const msg2Header = lines("Content-Type: message/rfc822", "");
  const inner2Header = lines("From: e@x.test", "Subject: short", "");
  const inner2Body = lines("one line");
  const inner2 = inner2Header + inner2Body;
  const text =
    "--fwd\r\n" + textHeader + textBody +
    "\r\n--fwd\r\n" + msgHeader + inner +
    "\r\n--fwd\r\n" + msg2Header + inner2 +
    "\r\n--fwd--\r\n";
  return {
    header, text, textHeader, textBody, msgHeader, innerHeader, innerText, inner, innerPlainHeader, innerPlainBody,
    innerHtmlHeader, innerHtmlBody, msg2Header, inner2Header, inner2Body, inner2, raw: Buffer.from(header + text, "utf8"),
  };
})();

/** 5. All header, no blank line, no body. */
export const HEADER_ONLY = { raw: Buffer.from("From: a@x.test\r\nSubject: x", "utf8") };

/** 6. Header lines for HEADER.FIELDS: duplicates, folds, space before the colon, mixed case. */
export const FIELDS = (() => {
  const header = lines(
    "Received: from a by b;",
    "\tMon, 1 Jan 2024 10:00:00 +0000",
    "From: a@x.test",
    "X-A: 1",
    "subject : spaced",
    "x-a: 2",
    "  continued",
    "To: b@x.test",
    "",
  );
  const body = lines("body");
  return { header, body, raw: Buffer.from(header + body, "utf8") };
})();

/**
 * The message of RFC 3501 §8's sample session, rebuilt from what its FETCH shows: the header
 * fields of its ENVELOPE and a 92-line, 3028-byte US-ASCII body.
 */
export const RFC3501_EXAMPLE = (() => {
  const header = lines(
    "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
    "From: Terry Gray <gray@cac.washington.edu>",
    "Subject: IMAP4rev1 WG mtg summary and minutes",
    "To: imap@cac.washington.edu",
    "cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>",
    "Message-Id: <B27397-0100000@cac.washington.edu>",
    "MIME-Version: 1.0",
    "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII",
    "",
  );
  const body = `${"x".repeat(31)}\r\n`.repeat(91) + `${"y".repeat(23)}\r\n`;
  return Buffer.from(header + body, "latin1");
})();

export const ALL_MESSAGES = { SINGLE, MIXED, NESTED, FORWARD, HEADER_ONLY, FIELDS, RFC3501_EXAMPLE: { raw: RFC3501_EXAMPLE } };
