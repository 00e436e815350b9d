// A corpus of messages shaped like real mail, for comparing our IMAP answers with Dovecot's:
// what MUAs, mailing lists, phones, calendars, signing tools and bounce generators send, and
// what broken or old software sends too. Built by code, deterministically (no random, no
// clock), so a failure names the same bytes every run. Legacy charsets are encoded with
// iconv-lite, so the bytes are what the mailers in those regions really send.
import iconv from "iconv-lite";

export interface CorpusEntry {
  name: string;
  raw: Buffer;
}

type Piece = string | Buffer;

const CRLF = "\r\n";
const join = (...pieces: Piece[]) => Buffer.concat(pieces.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : p)));
/** Header lines (CRLF each) and the blank line. */
const header = (...fields: Piece[]) => join(...fields.flatMap((f) => [f, CRLF]), CRLF);
/** Lines of a body, each ending in CRLF. */
const text = (...lines: string[]) => lines.map((l) => l + CRLF).join("");
const enc = (value: string, charset: string) => iconv.encode(value, charset);
const b64 = (bytes: Buffer | string) => ((Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, "utf8")).toString("base64").match(/.{1,76}/g) ?? []).join(CRLF) + CRLF;
/** An RFC 2047 B word of the text in a charset. */
const bWord = (value: string, charset: string) => `=?${charset}?B?${enc(value, charset).toString("base64")}?=`;
/** An RFC 2047 Q word: "_" for space, =XX for anything not plainly safe. */
const qWord = (value: string, charset: string) =>
  `=?${charset}?Q?${[...enc(value, charset)].map((b) => (b === 0x20 ? "_" : /[A-Za-z0-9!*+\-/]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, "0")}`)).join("")}?=`;

/** Quoted-printable of bytes (RFC 2045 §6.7), soft breaks before 76 columns, CRLF kept as line ends. */
function qp(bytes: Buffer): string {
  let out = "";
  let column = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0d && bytes[i + 1] === 0x0a) {
      out += CRLF;
      column = 0;
      i++;
      continue;
    }
    const piece = b === 0x3d || b > 126 || (b < 32 && b !== 9) ? `=${b.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(b);
    if (column + piece.length > 73) {
      out += `=${CRLF}`;
      column = 0;
    }
    out += piece;
    column += piece.length;
  }
  return out;
}

/** A MIME part: its header fields, the blank line, its body. */
const part = (fields: Piece[], body: Piece) => join(header(...fields), body);

/**
 * A multipart body: preamble, each part after "--boundary", the close delimiter, epilogue.
 * The CRLF before each delimiter belongs to the delimiter (RFC 2046 §5.1.1).
 */
function multipart(boundary: string, parts: Buffer[], options: { preamble?: string; epilogue?: string; close?: boolean } = {}): Buffer {
  const pieces: Piece[] = [];
  if (options.preamble !== undefined) pieces.push(options.preamble);
  parts.forEach((p, i) => pieces.push(`${i || options.preamble !== undefined ? CRLF : ""}--${boundary}${CRLF}`, p));
  if (options.close !== false) pieces.push(`${CRLF}--${boundary}--${CRLF}`);
  if (options.epilogue !== undefined) pieces.push(options.epilogue);
  return join(...pieces);
}

let counter = 0;
/** The header fields every corpus message has, so SEARCH has senders, dates and ids to find. */
function common(options: { from?: string; to?: string; subject?: string | null; date?: string; id?: string } = {}): Piece[] {
  counter++;
  const fields: Piece[] = [
    `Date: ${options.date ?? `${1 + (counter % 27)} Jan 2024 ${String(8 + (counter % 12)).padStart(2, "0")}:15:00 +0000`}`,
    `From: ${options.from ?? "Alice Example <alice@example.test>"}`,
    `To: ${options.to ?? "Bob <bob@example.test>"}`,
  ];
  if (options.subject !== null) fields.push(`Subject: ${options.subject ?? `corpus message ${counter}`}`);
  fields.push(`Message-ID: <${options.id ?? `corpus-${counter}`}@example.test>`, "MIME-Version: 1.0");
  return fields;
}

const LOREM = text(
  "Hello Bob,",
  "",
  "the quarterly report is attached. Numbers are up; the attachment has the details.",
  "See you at the meeting on Thursday.",
  "",
  "-- ",
  "Alice",
);
const GERMAN = "Grüße aus München, schöne Straße";
const RUSSIAN = "Привет, мир! Отчёт готов.";
const CHINESE_SIMPLIFIED = "你好，世界。会议在北京举行。";
const CHINESE_TRADITIONAL = "您好，會議在臺北舉行。";
const JAPANESE = "こんにちは、東京で会議があります。";
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100ffff03000006000557bfab0000000049454e44ae426082", "hex");
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", "latin1");

/** A complete message: its header (common fields first unless given) and body. */
const message = (fields: Piece[], body: Piece) => part(fields, body);

function build(): CorpusEntry[] {
  counter = 0;
  const entries: CorpusEntry[] = [];
  const add = (name: string, raw: Buffer) => entries.push({ name, raw });

  // ---- Single parts, charsets and transfer encodings ----
  add("plain-ascii", message([...common({ subject: "Quarterly report", date: "Fri, 15 Mar 2024 09:30:00 +0100" }), "Content-Type: text/plain; charset=us-ascii"], LOREM));
  add("no-content-type", message(common({ subject: "plain old mail", date: "Tue, 5 Oct 1999 12:00:00 -0400" }), text("No MIME here.", "Just text.")));
  add(
    "utf8-8bit-body-and-raw-header",
    message(
      [...common({ subject: `${GERMAN} (raw UTF-8)`, from: "Jörg Müller <joerg@example.test>" }), "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"],
      text(GERMAN, RUSSIAN, JAPANESE),
    ),
  );
  add(
    "latin1-8bit-header",
    message(
      [...common({ subject: null }), join("Subject: ", enc("Grüße latin1 raw", "latin1")), join("X-Note: ", enc("Café ist geöffnet", "latin1")), "Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: 8bit"],
      join(enc(`${GERMAN}\r\n`, "latin1")),
    ),
  );
  add(
    "qp-iso-8859-1",
    message(
      [...common({ subject: qWord("Grüße aus Köln", "iso-8859-1"), from: `${qWord("Jürgen Müller", "iso-8859-1")} <juergen@example.test>` }), "Content-Type: text/plain; charset=ISO-8859-1", "Content-Transfer-Encoding: quoted-printable"],
      qp(enc(`${GERMAN}\r\n${"Lange Zeile ".repeat(12)}\r\n`, "latin1")) + CRLF,
    ),
  );
  add(
    "base64-windows-1252",
    message(
      [...common({ subject: bWord("“Smart” quotes – and €uro", "windows-1252") }), "Content-Type: text/plain; charset=windows-1252", "Content-Transfer-Encoding: base64"],
      b64(enc("“Smart” quotes – and €uro signs.\r\n", "windows-1252")),
    ),
  );
  add(
    "iso-8859-2-q",
    message([...common({ subject: qWord("Zażółć gęślą jaźń", "iso-8859-2") }), "Content-Type: text/plain; charset=iso-8859-2", "Content-Transfer-Encoding: quoted-printable"], qp(enc("Zażółć gęślą jaźń\r\n", "iso-8859-2")) + CRLF),
  );
  add(
    "koi8-r",
    message(
      [...common({ subject: bWord("Привет из Москвы", "koi8-r"), from: `${bWord("Иван Петров", "koi8-r")} <ivan@example.test>` }), "Content-Type: text/plain; charset=koi8-r", "Content-Transfer-Encoding: 8bit"],
      join(enc(`${RUSSIAN}\r\n`, "koi8-r")),
    ),
  );
  add("iso-8859-5-base64", message([...common({ subject: bWord("Отчёт", "iso-8859-5") }), "Content-Type: text/plain; charset=iso-8859-5", "Content-Transfer-Encoding: base64"], b64(enc(`${RUSSIAN}\r\n`, "iso-8859-5"))));
  add(
    "gb2312",
    message(
      [...common({ subject: bWord("会议通知", "gb2312"), from: `${bWord("王小明", "gb2312")} <wang@example.test>` }), "Content-Type: text/plain; charset=gb2312", "Content-Transfer-Encoding: base64"],
      b64(enc(`${CHINESE_SIMPLIFIED}\r\n`, "gb2312")),
    ),
  );
  add("gbk-8bit", message([...common({ subject: bWord("镕基 GBK 字", "gbk") }), "Content-Type: text/plain; charset=GBK", "Content-Transfer-Encoding: 8bit"], join(enc("镕基 GBK 字\r\n", "gbk"))));
  add("big5", message([...common({ subject: bWord("會議通知", "big5") }), "Content-Type: text/plain; charset=big5", "Content-Transfer-Encoding: 8bit"], join(enc(`${CHINESE_TRADITIONAL}\r\n`, "big5"))));
  add(
    "iso-2022-jp",
    message(
      // ISO-2022-JP is 7-bit: JIS escape sequences, the way Japanese mail has gone for decades.
      [...common({ subject: "=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=" }), "Content-Type: text/plain; charset=ISO-2022-JP", "Content-Transfer-Encoding: 7bit"],
      "\x1b$B$3$s$K$A$O\x1b(B\r\n",
    ),
  );
  add("shift-jis", message([...common({ subject: bWord("東京会議", "shift_jis") }), "Content-Type: text/plain; charset=Shift_JIS", "Content-Transfer-Encoding: 8bit"], join(enc(`${JAPANESE}\r\n`, "shift_jis"))));
  add("euc-kr", message([...common({ subject: bWord("안녕하세요", "euc-kr") }), "Content-Type: text/plain; charset=euc-kr", "Content-Transfer-Encoding: base64"], b64(enc("안녕하세요 회의\r\n", "euc-kr"))));
  add(
    "encoded-words-mixed-charsets",
    message(
      [...common({ subject: `Re: ${bWord("Grüße", "utf-8")} ${qWord("und Küsse", "iso-8859-1")} and ${bWord("привет", "koi8-r")} =?us-ascii?q?plain?=` }), "Content-Type: text/plain"],
      text("mixed"),
    ),
  );
  add(
    "encoded-words-malformed",
    message(
      [
        ...common({
          subject: "=?utf-8?B?broken base64!!?= =?unknown-charset?Q?caf=E9?= =?utf-8?Q?no_end =?utf-8?B?w7w?=",
          from: '"=?utf-8?q?Quoted_encoded?=" <quoted@example.test>',
          to: "=?utf-8?B?8J+YgA==?= <emoji@example.test>, =?utf-8?Q?Bad=ZZ?= <bad@example.test>",
        }),
        "Content-Type: text/plain",
      ],
      text("encoded words that aren't"),
    ),
  );
  add(
    "long-subject-folded",
    message(
      [...common({ subject: null }), `Subject: ${Array.from({ length: 20 }, (_, i) => bWord(`Teil ${i} der sehr langen Betreffzeile mit Umlauten äöü`, "utf-8")).join("\r\n ")}`, "Content-Type: text/plain"],
      text("long subject"),
    ),
  );
  add(
    "overlong-header-line",
    message([...common({ subject: `overlong ${"x".repeat(1500)}` }), `X-Long: ${"y".repeat(3000)}`, "Content-Type: text/plain"], text(`${"z".repeat(2000)}`, "short")),
  );
  add(
    "flowed-text",
    message([...common({ subject: "format=flowed" }), "Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes", "Content-Transfer-Encoding: 7bit"], text("This is a long line that ", "was wrapped by a flowed mailer.", "> quoted", "")),
  );

  // ---- Addresses ----
  add(
    "addresses-edge-cases",
    message(
      [
        "Date: Sun, 31 Dec 2023 23:59:59 -1200",
        'From: "Doe, John (Sales)" <john.doe@example.test> (comment)',
        "Sender: Secretary <secretary@example.test>",
        "Reply-To: <@route.example:reply@example.test>",
        'To: "a b"@example.test, undisclosed-recipients:;, Team: carol@example.test, Dave <dave@example.test>;',
        `Cc: ${bWord("Müller, Jürgen", "utf-8")} <jm@example.test>, nodomain, carol@example.test`,
        "Bcc: hidden@example.test",
        "Subject: address edge cases",
        "In-Reply-To: <parent@example.test> (the parent)",
        "References: <grandparent@example.test>\r\n <parent@example.test>",
        "Message-ID: <addresses@example.test>",
      ],
      text("addresses"),
    ),
  );
  add(
    "group-encoded-name",
    message([...common({ to: `${bWord("Équipe", "utf-8")}: a@example.test, b@example.test;`, subject: "group with an encoded name" }), "Content-Type: text/plain"], text("group")),
  );
  add("empty-subject-no-date", message(["From: nobody@example.test", "To: bob@example.test", "Subject:", "Message-ID: <nodate@example.test>"], text("no date, empty subject")));

  // ---- Multiparts ----
  const attachmentPart = part(['Content-Type: application/pdf; name="report.pdf"', 'Content-Disposition: attachment; filename="report.pdf"', "Content-Transfer-Encoding: base64"], b64(PDF));
  add(
    "mixed-text-attachment",
    message(
      [...common({ subject: "report with attachment", date: "Fri, 15 Mar 2024 23:30:00 -0500" }), 'Content-Type: multipart/mixed; boundary="----=_Part_0_12345.67890"'],
      multipart(
        "----=_Part_0_12345.67890",
        [part(["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: quoted-printable"], qp(Buffer.from(`${LOREM}Grüße\r\n`, "utf8")) + CRLF), attachmentPart],
        { preamble: "This is a multi-part message in MIME format." + CRLF },
      ),
    ),
  );
  const alternative = (boundary: string, plainText: string, html: string) =>
    multipart(boundary, [
      part(["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"], text(plainText)),
      part(["Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"], qp(Buffer.from(`<html><body><p>${html}</p></body></html>\r\n`, "utf8")) + CRLF),
    ]);
  add("alternative", message([...common({ subject: "newsletter" }), 'Content-Type: multipart/alternative; boundary="alt-1"'], alternative("alt-1", "Newsletter: Grüße", "Newsletter: <b>Grüße</b>")));
  const related = (boundary: string) =>
    multipart(boundary, [
      part(["Content-Type: text/html; charset=utf-8"], text('<html><body><img src="cid:logo@example.test"> logo</body></html>')),
      part(["Content-Type: image/png", "Content-Transfer-Encoding: base64", "Content-ID: <logo@example.test>", 'Content-Disposition: inline; filename="logo.png"'], b64(PNG)),
    ]);
  add(
    "alternative-with-related",
    message(
      [...common({ subject: "html with inline image" }), "Content-Type: multipart/alternative; boundary=outer-alt"],
      multipart("outer-alt", [part(["Content-Type: text/plain; charset=utf-8"], text("logo")), part(['Content-Type: multipart/related; type="text/html"; boundary=rel'], related("rel"))]),
    ),
  );
  add(
    "mixed-alternative-related-attachment",
    message(
      [...common({ subject: "the full Apple Mail shape", from: "Carol <carol@example.test>" }), "Content-Type: multipart/mixed; boundary=Apple-Mail-1"],
      multipart("Apple-Mail-1", [
        part(["Content-Type: multipart/alternative; boundary=Apple-Mail-2"], multipart("Apple-Mail-2", [part(["Content-Type: text/plain; charset=us-ascii"], text("see logo")), part(["Content-Type: multipart/related; boundary=Apple-Mail-3"], related("Apple-Mail-3"))])),
        attachmentPart,
      ]),
    ),
  );
  {
    // Five levels of multipart, as forwarding chains and list software build them.
    let inner = part(["Content-Type: text/plain"], text("deepest"));
    for (let level = 5; level >= 1; level--) {
      inner = part([`Content-Type: multipart/mixed; boundary=level${level}`], multipart(`level${level}`, [inner, part(["Content-Type: text/plain"], text(`sibling at ${level}`))]));
    }
    add("deep-nesting", join(header(...common({ subject: "deep nesting" })).subarray(0, -2), inner));
  }
  const forwarded = message(
    ["Date: Tue, 2 Jan 2024 10:00:00 +0000", "From: Ann <ann@example.test>", "To: carol@example.test", `Subject: ${bWord("Ursprüngliche Nachricht", "utf-8")}`, "Message-ID: <inner@example.test>", "Content-Type: multipart/alternative; boundary=fwd-alt"],
    alternative("fwd-alt", "inner plain hello", "inner <i>html</i>"),
  );
  add(
    "forward-rfc822",
    message(
      [...common({ subject: "Fwd: Ursprüngliche Nachricht" }), "Content-Type: multipart/mixed; boundary=fwd"],
      multipart("fwd", [part(["Content-Type: text/plain"], text("See below.")), part(["Content-Type: message/rfc822", 'Content-Disposition: attachment; filename="original.eml"'], forwarded)]),
    ),
  );
  add(
    "rfc822-nested-twice",
    message(
      [...common({ subject: "Fwd: Fwd: twice" }), "Content-Type: multipart/mixed; boundary=outer"],
      multipart("outer", [
        part(["Content-Type: text/plain"], text("outer text")),
        part(
          ["Content-Type: message/rfc822"],
          message(
            ["From: middle@example.test", "Subject: Fwd: middle", "Date: Wed, 3 Jan 2024 11:00:00 +0100", "Content-Type: multipart/mixed; boundary=middle"],
            multipart("middle", [part(["Content-Type: text/plain"], text("middle text")), part(["Content-Type: message/rfc822"], forwarded)]),
          ),
        ),
      ]),
    ),
  );
  add(
    "rfc822-single-latin1",
    message(
      [...common({ subject: "forwarded single part" }), "Content-Type: message/rfc822"],
      message(["From: old@example.test", join("Subject: ", enc("Grüße", "latin1")), "Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: 8bit"], join(enc("Grüße\r\n", "latin1"))),
    ),
  );
  add(
    "rfc822-base64",
    message(
      [...common({ subject: "base64 message/rfc822 (not allowed by RFC 2046 §5.2.1)" }), "Content-Type: multipart/mixed; boundary=b"],
      multipart("b", [part(["Content-Type: message/rfc822", "Content-Transfer-Encoding: base64"], b64(message(["From: x@example.test", "Subject: hidden"], text("hidden"))))]),
    ),
  );
  add(
    "digest-default-type",
    message(
      [...common({ subject: "list digest, Vol 1, Issue 2", from: "list-request@lists.example.test" }), 'Content-Type: multipart/digest; boundary="digest"'],
      multipart(
        "digest",
        [
          // No Content-Type: in a digest that means message/rfc822 (RFC 2046 §5.1.5).
          join(CRLF, message(["From: one@example.test", "Subject: digest item one", "Date: Thu, 4 Jan 2024 08:00:00 +0000"], text("first item"))),
          join(CRLF, message(["From: two@example.test", "Subject: digest item two"], text("second item"))),
          part(["Content-Type: text/plain"], text("explicit text part in a digest")),
        ],
        { preamble: text("Today's topics:", "1. one", "2. two") },
      ),
    ),
  );
  add(
    "digest-in-mixed",
    message(
      [...common({ subject: "digest inside mixed" }), "Content-Type: multipart/mixed; boundary=m"],
      multipart("m", [part(["Content-Type: text/plain"], text("intro")), part(["Content-Type: multipart/digest; boundary=d"], multipart("d", [join(CRLF, message(["From: z@example.test", "Subject: zed"], text("zed")))]))]),
    ),
  );

  // ---- Parameters: RFC 2231, raw 8-bit, encoded words, odd syntax ----
  const withAttachment = (name: string, subject: string, contentType: string, disposition: string) =>
    add(
      name,
      message(
        [...common({ subject }), "Content-Type: multipart/mixed; boundary=p"],
        multipart("p", [part(["Content-Type: text/plain"], text("attached")), part([contentType, disposition, "Content-Transfer-Encoding: base64"], b64("file contents"))]),
      ),
    );
  withAttachment("rfc2231-charset-lang", "RFC 2231 file name", "Content-Type: application/octet-stream; name*=utf-8''Gr%C3%BC%C3%9Fe.txt", "Content-Disposition: attachment; filename*=UTF-8'de'Gr%C3%BC%C3%9Fe%20aus%20K%C3%B6ln.txt");
  withAttachment(
    "rfc2231-continuations",
    "RFC 2231 continuations",
    "Content-Type: application/octet-stream",
    "Content-Disposition: attachment;\r\n filename*0*=utf-8''%E6%97%A5%E6%9C%AC%E8%AA%9E;\r\n filename*1*=%E3%81%AE%E5%90%8D%E5%89%8D;\r\n filename*2=.txt",
  );
  withAttachment("rfc2231-plain-continuations", "RFC 2231 plain continuations", 'Content-Type: text/plain; name*0="very long file name that was "; name*1="split in two.txt"', "Content-Disposition: attachment; filename*0=\"part one \"; filename*1=two.txt");
  withAttachment("rfc2231-iso-8859-1", "RFC 2231 latin1", "Content-Type: application/octet-stream", "Content-Disposition: attachment; filename*=iso-8859-1'en'r%E9sum%E9.pdf");
  withAttachment("param-raw-utf8", "raw UTF-8 file name", 'Content-Type: application/octet-stream; name="Grüße.txt"', 'Content-Disposition: attachment; filename="Grüße.txt"');
  withAttachment("param-encoded-word", "encoded-word file name (Outlook, Gmail)", `Content-Type: application/pdf; name="${bWord("Bericht März.pdf", "utf-8")}"`, `Content-Disposition: attachment; filename="${bWord("Bericht März.pdf", "utf-8")}"`);
  add(
    "param-raw-latin1",
    message(
      [...common({ subject: "raw latin1 file name" }), "Content-Type: multipart/mixed; boundary=p"],
      multipart("p", [part([join('Content-Type: application/octet-stream; name="', enc("résumé.doc", "latin1"), '"'), "Content-Transfer-Encoding: base64"], b64("doc"))]),
    ),
  );
  add(
    "params-case-and-spacing",
    message([...common({ subject: "odd parameter syntax" }), 'Content-Type: Text/HTML ; Charset = "UTF-8" ; Format=Fixed;', "Content-Transfer-Encoding: 7BIT"], text("<p>odd params</p>")),
  );
  add(
    "all-extension-fields",
    message(
      [...common({ subject: "every body extension field" }), "Content-Type: multipart/mixed; boundary=x; charset=ignored", "Content-Language: en-GB, de", "Content-Location: http://example.test/msg"],
      multipart("x", [
        part(
          [
            'Content-Type: image/png; name="a.png"',
            "Content-Transfer-Encoding: base64",
            "Content-ID: <a@example.test>",
            'Content-Description: a "small" picture',
            "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==",
            'Content-Disposition: inline; filename="a.png"; size=67; creation-date="Wed, 12 Feb 1997 16:29:51 -0500"',
            "Content-Language: fr",
            "Content-Location: a.png",
          ],
          b64(PNG),
        ),
      ]),
    ),
  );
  add("no-subtype-and-unknown-type", message([...common({ subject: "Content-Type without subtype" }), "Content-Type: text; charset=utf-8"], text("no subtype")));
  add("invalid-content-type", message([...common({ subject: "garbage Content-Type" }), "Content-Type: ;;; garbage"], text("garbage type")));
  add("unknown-transfer-encoding", message([...common({ subject: "x-uuencode" }), "Content-Type: application/octet-stream", "Content-Transfer-Encoding: x-uuencode"], text("begin 644 file", "`", "end")));

  // ---- Broken structure ----
  add("header-line-without-colon", message([...common({ subject: "line without a colon" }), "This line has no colon", "X-After: still a header?", "Content-Type: text/plain"], text("body")));
  add(
    "missing-boundary",
    message([...common({ subject: "multipart without boundary" }), "Content-Type: multipart/mixed"], text("--", "Content-Type: text/plain", "", "not really a part", "----")),
  );
  add(
    "unterminated-multipart",
    message(
      [...common({ subject: "no close delimiter" }), "Content-Type: multipart/mixed; boundary=open"],
      multipart("open", [part(["Content-Type: text/plain"], text("first")), part(["Content-Type: text/plain"], text("second, cut off"))], { close: false }),
    ),
  );
  add(
    "boundary-never-appears",
    message([...common({ subject: "boundary not in body" }), "Content-Type: multipart/alternative; boundary=nowhere"], text("All of this is preamble.", "--somewhere-else", "text")),
  );
  add(
    "duplicate-content-type",
    message([...common({ subject: "two Content-Type fields" }), "Content-Type: text/html; charset=utf-8", "Content-Type: multipart/mixed; boundary=dup"], multipart("dup", [part(["Content-Type: text/plain"], text("dup"))])),
  );
  add(
    "boundary-transport-padding",
    message(
      // RFC 2046 §5.1.1: white space may follow a delimiter on its line (transport-padding).
      [...common({ subject: "delimiters with trailing white space" }), 'Content-Type: multipart/mixed; boundary="b"'],
      join("--b  \t" + CRLF, part(["Content-Type: text/plain"], text("first")), CRLF, "--b " + CRLF, part(["Content-Type: text/plain"], text("second")), CRLF + "--b--\t" + CRLF),
    ),
  );
  add(
    "boundary-prefix-line",
    message(
      [...common({ subject: "a line that starts like the delimiter" }), 'Content-Type: multipart/mixed; boundary="b"'],
      multipart("b", [part(["Content-Type: text/plain"], text("before", "--bx is not a delimiter line", "after")), part(["Content-Type: text/plain"], text("second"))]),
    ),
  );
  add("empty-multipart", message([...common({ subject: "multipart with no parts" }), "Content-Type: multipart/mixed; boundary=none"], `--none--${CRLF}`));
  add(
    "part-without-header",
    message([...common({ subject: "part with no header" }), "Content-Type: multipart/mixed; boundary=nh"], multipart("nh", [join(CRLF, text("implicit text/plain")), part(["Content-Type: text/html"], text("<b>x</b>"))])),
  );
  add(
    "special-boundary",
    message(
      [...common({ subject: "boundary with specials" }), `Content-Type: multipart/mixed; boundary="'()+_,-./:=? x"`],
      multipart("'()+_,-./:=? x", [part(["Content-Type: text/plain"], text("specials"))], { preamble: text("long preamble", "x".repeat(200)), epilogue: text("epilogue", "after the end") }),
    ),
  );

  // ---- Sizes and line ends ----
  add("empty-body", message(common({ subject: "empty body" }), ""));
  add("header-only", join(...common({ subject: "header only, no blank line" }).flatMap((f) => [f, CRLF])).subarray(0, -2));
  add("body-without-final-newline", message([...common({ subject: "no final newline" }), "Content-Type: text/plain"], "last line without CRLF"));
  add("bare-lf", Buffer.from(`${common({ subject: "bare LF line ends" }).join("\n")}\nContent-Type: multipart/mixed; boundary=lf\n\n--lf\nContent-Type: text/plain\n\nunix\nline ends\n--lf--\n`, "utf8"));
  add("mixed-line-ends", Buffer.from(`${common({ subject: "CRLF and LF mixed" }).join("\r\n")}\nContent-Type: text/plain\r\n\r\none\ntwo\r\nthree\rfour\r\n`, "utf8"));
  add("large-body", message([...common({ subject: "large body" }), "Content-Type: text/plain"], text(...Array.from({ length: 600 }, (_, i) => `line ${i} ${"lorem ipsum ".repeat(4)}`))));

  // ---- Real-world application shapes ----
  add(
    "calendar-invite",
    message(
      [...common({ subject: "Invitation: Meeting @ Thu 14 Mar 2024", from: "Calendar <calendar@example.test>" }), "Content-Type: multipart/alternative; boundary=cal"],
      multipart("cal", [
        part(["Content-Type: text/plain; charset=UTF-8"], text("You have been invited.")),
        part(
          ['Content-Type: text/calendar; charset="utf-8"; method=REQUEST', "Content-Transfer-Encoding: 7bit"],
          text("BEGIN:VCALENDAR", "METHOD:REQUEST", "BEGIN:VEVENT", "DTSTART:20240314T100000Z", "SUMMARY:Meeting", "END:VEVENT", "END:VCALENDAR"),
        ),
        part(['Content-Type: application/ics; name="invite.ics"', 'Content-Disposition: attachment; filename="invite.ics"', "Content-Transfer-Encoding: base64"], b64("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")),
      ]),
    ),
  );
  add(
    "smime-signed",
    message(
      [...common({ subject: "S/MIME signed" }), 'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="----SIG"'],
      multipart(
        "----SIG",
        [
          part(["Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 7bit"], text("signed text")),
          part(['Content-Type: application/pkcs7-signature; name="smime.p7s"', "Content-Transfer-Encoding: base64", 'Content-Disposition: attachment; filename="smime.p7s"', "Content-Description: S/MIME Cryptographic Signature"], b64(Buffer.alloc(120, 0x30))),
        ],
        { preamble: text("This is an S/MIME signed message") },
      ),
    ),
  );
  add(
    "pgp-signed",
    message(
      [...common({ subject: "PGP/MIME signed" }), 'Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="pgp"'],
      multipart("pgp", [
        part(["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"], qp(Buffer.from("signed Grüße\r\n", "utf8")) + CRLF),
        part(['Content-Type: application/pgp-signature; name="signature.asc"', "Content-Description: OpenPGP digital signature"], text("-----BEGIN PGP SIGNATURE-----", "", "iQEzBAEBCAAdFiEE", "-----END PGP SIGNATURE-----")),
      ]),
    ),
  );
  add(
    "smime-encrypted",
    message(
      [...common({ subject: "S/MIME encrypted" }), 'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"', "Content-Transfer-Encoding: base64", 'Content-Disposition: attachment; filename="smime.p7m"'],
      b64(Buffer.alloc(200, 0xa5)),
    ),
  );
  add(
    "dsn-report",
    message(
      [
        ...common({ subject: "Undelivered Mail Returned to Sender", from: "MAILER-DAEMON@mx.example.test (Mail Delivery System)", date: "Sat, 16 Mar 2024 00:10:00 +0000" }),
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"',
        "Auto-Submitted: auto-replied",
      ],
      multipart("dsn", [
        part(["Content-Description: Notification", "Content-Type: text/plain; charset=us-ascii"], text("This is the mail system at host mx.example.test.", "", "I'm sorry to have to inform you that your message could not be delivered.")),
        part(["Content-Description: Delivery report", "Content-Type: message/delivery-status"], text("Reporting-MTA: dns; mx.example.test", "", "Final-Recipient: rfc822; nobody@example.test", "Action: failed", "Status: 5.1.1")),
        part(["Content-Description: Undelivered Message Headers", "Content-Type: text/rfc822-headers"], text("From: alice@example.test", "To: nobody@example.test", "Subject: hello")),
      ]),
    ),
  );
  add(
    "mdn-report",
    message(
      [...common({ subject: "Read: hello" }), "Content-Type: multipart/report; report-type=disposition-notification; boundary=mdn"],
      multipart("mdn", [
        part(["Content-Type: text/plain"], text("Your message was displayed.")),
        part(["Content-Type: message/disposition-notification"], text("Final-Recipient: rfc822; bob@example.test", "Disposition: manual-action/MDN-sent-manually; displayed")),
        part(["Content-Type: message/rfc822-headers"], text("Subject: hello")),
      ]),
    ),
  );
  add(
    "outlook-tnef",
    message(
      [...common({ subject: "Outlook rich text", from: "Exchange User <ex@example.test>" }), "Content-Type: multipart/mixed; boundary=\"_000_\"", "X-MS-Has-Attach: yes", "Thread-Index: AQHZ"],
      multipart("_000_", [
        part(['Content-Type: text/plain; charset="iso-8859-1"', "Content-Transfer-Encoding: quoted-printable"], qp(enc("Sehr geehrte Damen und Herren, anbei\r\n", "latin1")) + CRLF),
        part(['Content-Type: application/ms-tnef; name="winmail.dat"', 'Content-Disposition: attachment; filename="winmail.dat"', "Content-Transfer-Encoding: base64"], b64(Buffer.from("789f3e22", "hex"))),
      ]),
    ),
  );
  add(
    "mailing-list",
    message(
      [
        "Received: from mx.example.test by mail.example.test; Mon, 1 Jan 2024 00:00:00 +0000",
        "Received: from list.example.test (list.example.test [192.0.2.1])\r\n\tby mx.example.test; Mon, 1 Jan 2024 00:00:00 +0000",
        ...common({ subject: "[dev] Re: build broken", from: "Erin via dev <dev@lists.example.test>", to: "dev@lists.example.test" }),
        "Cc: carol@example.test",
        "List-Id: Developers <dev.lists.example.test>",
        "List-Unsubscribe: <mailto:dev-leave@lists.example.test>",
        "Precedence: list",
        "X-Mailer: Corpus 1.0",
        "Content-Type: text/plain; charset=utf-8",
      ],
      text("> the build is broken", "Fixed in main.", "", "_______________________________________________", "dev mailing list"),
    ),
  );
  add(
    "eight-bit-attachment",
    message(
      [...common({ subject: "8bit text attachment" }), "Content-Type: multipart/mixed; boundary=e"],
      multipart("e", [part(["Content-Type: text/plain; charset=utf-8"], text("see file")), part(['Content-Type: text/csv; charset=utf-8; name="daten.csv"', 'Content-Disposition: attachment; filename="daten.csv"', "Content-Transfer-Encoding: 8bit"], text("Name;Stadt", "Jörg;München", "Zoë;Zürich"))]),
    ),
  );
  add(
    "gmail-style",
    message(
      [
        "Delivered-To: bob@example.test",
        "ARC-Seal: i=1; a=rsa-sha256; t=1710000000; cv=none;\r\n        d=example.test; s=arc-20160816;\r\n        b=abcDEF123+/==",
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n        d=example.test; s=20230601; t=1710000000; x=1710604800;\r\n        h=to:subject:message-id:date:from:mime-version:from:to:cc:subject;\r\n        bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n        b=Zm9vYmFy",
        "X-Google-Smtp-Source: AGHT+IE",
        ...common({ subject: `${bWord("Grüße vom Handy 📱", "utf-8")}`, from: "Frank Sender <frank@example.test>" }),
        'Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f6"',
      ],
      multipart("000000000000a1b2c3d4e5f6", [
        part(['Content-Type: text/plain; charset="UTF-8"', "Content-Transfer-Encoding: quoted-printable"], qp(Buffer.from("Hallo Bob,\r\nbis morgen 📱\r\n", "utf8")) + CRLF),
        part(['Content-Type: text/html; charset="UTF-8"', "Content-Transfer-Encoding: quoted-printable"], qp(Buffer.from('<div dir="ltr">Hallo Bob,<div>bis morgen 📱</div></div>\r\n', "utf8")) + CRLF),
      ]),
    ),
  );
  add(
    "iphone-photo",
    message(
      [...common({ subject: "Photo", from: "Grace <grace@example.test>" }), "Content-Type: multipart/mixed; boundary=Apple-Mail-ABC", "X-Mailer: iPhone Mail (21D61)"],
      multipart("Apple-Mail-ABC", [
        part(["Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 7bit"], ""),
        part(['Content-Type: image/jpeg; name="IMG_0001.jpeg"; x-unix-mode=0644; x-apple-part-url=ABC-123', 'Content-Disposition: inline; filename="IMG_0001.jpeg"', "Content-Transfer-Encoding: base64"], b64(Buffer.from("ffd8ffe000104a46494600010100000100010000ffd9", "hex"))),
        part(["Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 7bit"], text("", "Sent from my iPhone")),
      ]),
    ),
  );
  add(
    "forward-with-named-rfc822",
    message(
      [...common({ subject: "Fwd: attached as a file" }), "Content-Type: multipart/mixed; boundary=tb"],
      multipart("tb", [
        part(["Content-Type: text/plain; charset=UTF-8; format=flowed"], text("Forwarded as an attachment.")),
        part([`Content-Type: message/rfc822; name="${bWord("Ursprüngliche Nachricht.eml", "utf-8")}"`, `Content-Disposition: attachment; filename*=UTF-8''Urspr%C3%BCngliche%20Nachricht.eml`], forwarded),
      ]),
    ),
  );
  add("html-only-long-lines", message([...common({ subject: "HTML only, lines past 998" }), "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: 8bit"], text(`<html><body>${"<p>Grüße</p>".repeat(120)}</body></html>`)));
  add(
    "multipart-with-base64-cte",
    message(
      // RFC 2045 §6.4: a multipart's encoding must be 7bit, 8bit or binary; some mailers do this anyway.
      [...common({ subject: "base64 on a multipart" }), "Content-Type: multipart/mixed; boundary=bm", "Content-Transfer-Encoding: base64"],
      multipart("bm", [part(["Content-Type: text/plain"], text("inside"))]),
    ),
  );
  add(
    "message-partial",
    message([...common({ subject: "message/partial 1 of 2" }), 'Content-Type: message/partial; id="big@example.test"; number=1; total=2'], text("From: a@example.test", "Subject: big", "", "first half")),
  );
  add(
    "message-global",
    message(
      [...common({ subject: "message/global (RFC 6532)" }), "Content-Type: multipart/mixed; boundary=g"],
      multipart("g", [part(["Content-Type: message/global"], message(["From: Jörg <jörg@bücher.example>", "Subject: Grüße", "Content-Type: text/plain; charset=utf-8"], text("Schöne Grüße")))]),
    ),
  );
  add("obsolete-date", message([...common({ subject: "two-digit year", date: "15 Mar 99 13:45 EST" }), "Content-Type: text/plain"], text("old date")));

  return entries;
}

export const IMAP_CORPUS: readonly CorpusEntry[] = build();
