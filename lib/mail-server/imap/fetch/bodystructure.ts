// The BODY and BODYSTRUCTURE FETCH items (RFC 3501 §7.4.2, grammar in §9 "body") from the
// MIME tree stored at delivery, without touching the message bytes.
//
// Case: the stored tree has type, subtype, parameter names, disposition type and encoding
// lower-cased (values as sent), so the original spelling is gone. They are written upper-case,
// as RFC 3501's own examples, Cyrus and Gmail do (Dovecot echoes the header's spelling);
// clients compare them case-insensitively. Parameter values, ids, descriptions, languages
// and locations are written as stored.
import type { Envelope, MimePart } from "@/lib/mime/analyze";
import { writeEnvelope } from "./envelope";
import { WireWriter } from "./wire";

/**
 * BODYSTRUCTURE (`extended`: with extension data) or BODY (without).
 * `structure` is the analysis' root part (MessageContent.bodyStructure).
 */
export function renderBodyStructure(structure: MimePart, extended: boolean): Buffer {
  return writePart(new WireWriter(), structure, extended, 0).toBuffer();
}

/**
 * Deeper than the analysis ever nests (it stops at 48 levels per message, and counts again
 * inside each enclosed message); a bound so a tree from anywhere can't exhaust the stack.
 */
const MAX_DEPTH = 200;

/** RFC 3501 grammar: an envelope where the enclosed message couldn't be read. */
const EMPTY_ENVELOPE: Envelope = {
  date: null, subject: null, from: null, sender: null, replyTo: null, to: null, cc: null, bcc: null, inReplyTo: null, messageId: null,
};

/**
 * body-type-1part needs a body for an empty multipart (`1*body`) and for a message/rfc822
 * whose content wasn't parsed; like Dovecot, an empty text/plain stands in.
 */
const EMPTY_TEXT: MimePart = {
  part: "", type: "text", subtype: "plain", params: {}, id: null, description: null, encoding: "7bit", md5: null,
  disposition: null, language: null, location: null, headerStart: 0, bodyStart: 0, bodyEnd: 0, lines: 0, children: [],
};

function writePart(out: WireWriter, part: MimePart, extended: boolean, depth: number): WireWriter {
  if (depth > MAX_DEPTH) return writePart(out, EMPTY_TEXT, extended, 0);
  out.raw("(");
  if (part.type === "multipart") {
    // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]; the parts are not
    // separated by spaces.
    const children = part.children.length ? part.children : [EMPTY_TEXT];
    for (const child of children) writePart(out, child, extended, depth + 1);
    out.raw(" ").string(part.subtype.toUpperCase());
    if (extended) {
      // body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
      out.raw(" ");
      writeParams(out, part.params);
      writeDispositionLanguageLocation(out, part);
    }
    return out.raw(")");
  }

  // body-type-basic / body-type-text / body-type-msg all start with type, subtype, body-fields.
  out.string(part.type.toUpperCase()).raw(" ").string(part.subtype.toUpperCase()).raw(" ");
  const params = part.type === "text" && !hasParam(part.params, "charset")
    ? { ...part.params, charset: "US-ASCII" } // RFC 2045 §5.2 default, as Dovecot writes it
    : part.params;
  writeParams(out, params);
  out.raw(" ").nstring(part.id).raw(" ").nstring(part.description).raw(" ").string((part.encoding || "7bit").toUpperCase());
  out.raw(` ${Math.max(0, part.bodyEnd - part.bodyStart)}`);

  if (part.type === "message" && part.subtype === "rfc822") {
    // body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines.
    // The analysis reads the enclosed message only in 7bit/8bit/binary; a base64 one has no
    // tree, and gets an empty envelope and body so clients that parse by type still can.
    const inner = part.children[0];
    out.raw(" ");
    writeEnvelope(out, inner && part.envelope ? part.envelope : EMPTY_ENVELOPE);
    out.raw(" ");
    writePart(out, inner && part.envelope ? inner : EMPTY_TEXT, extended, depth + 1);
    out.raw(` ${part.lines}`);
  } else if (part.type === "text") {
    out.raw(` ${part.lines}`);
  }

  if (extended) {
    // body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
    out.raw(" ").nstring(part.md5);
    writeDispositionLanguageLocation(out, part);
  }
  return out.raw(")");
}

function hasParam(params: Record<string, string>, name: string): boolean {
  return Object.keys(params).some((key) => key.toLowerCase() === name);
}

/** body-fld-param = "(" string SP string *(SP string SP string) ")" / nil */
function writeParams(out: WireWriter, params: Record<string, string>): void {
  const entries = Object.entries(params);
  if (entries.length === 0) {
    out.raw("NIL");
    return;
  }
  out.raw("(");
  entries.forEach(([name, value], i) => {
    if (i) out.raw(" ");
    out.string(name.toUpperCase()).raw(" ").string(value);
  });
  out.raw(")");
}

/**
 * The disposition, language and location extension fields, always all three: the grammar
 * lets trailing ones be omitted, but writing them is what Dovecot and Cyrus do and keeps the
 * positions fixed for clients that index into the list.
 */
function writeDispositionLanguageLocation(out: WireWriter, part: MimePart): void {
  out.raw(" ");
  // body-fld-dsp = "(" string SP body-fld-param ")" / nil
  if (part.disposition) {
    out.raw("(").string(part.disposition.type.toUpperCase()).raw(" ");
    writeParams(out, part.disposition.params);
    out.raw(")");
  } else {
    out.raw("NIL");
  }
  out.raw(" ");
  // body-fld-lang = nstring / "(" string *(SP string) ")": always the list form, as Dovecot.
  const languages = (part.language ?? []).filter((tag) => tag !== "");
  if (languages.length) {
    out.raw("(");
    languages.forEach((tag, i) => {
      if (i) out.raw(" ");
      out.string(tag);
    });
    out.raw(")");
  } else {
    out.raw("NIL");
  }
  out.raw(" ").nstring(part.location);
}
