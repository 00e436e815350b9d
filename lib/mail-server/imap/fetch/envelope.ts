// The ENVELOPE FETCH item (RFC 3501 §7.4.2) from the Envelope stored at delivery: the store
// already holds the fields in IMAP's shape (raw header text, encoded words kept; sender and
// reply-to defaulted to from; group markers), so this only writes them out.
import type { Envelope, EnvelopeAddress } from "@/lib/mime/analyze";
import { WireWriter } from "./wire";

/** `(date subject from sender reply-to to cc bcc in-reply-to message-id)`, NIL where absent. */
export function renderEnvelope(envelope: Envelope): Buffer {
  return writeEnvelope(new WireWriter(), envelope).toBuffer();
}

/** For BODYSTRUCTURE of message/rfc822, which embeds the enclosed message's envelope. */
export function writeEnvelope(out: WireWriter, envelope: Envelope): WireWriter {
  out.raw("(").nstring(envelope.date).raw(" ").nstring(envelope.subject);
  for (const list of [envelope.from, envelope.sender, envelope.replyTo, envelope.to, envelope.cc, envelope.bcc]) {
    out.raw(" ");
    writeAddresses(out, list);
  }
  return out.raw(" ").nstring(envelope.inReplyTo).raw(" ").nstring(envelope.messageId).raw(")");
}

/**
 * `((name adl mailbox host)(…))`, or NIL for no addresses. Entries are written as stored, so
 * group syntax keeps its markers: `(NIL NIL "group" NIL)` opens a group, `(NIL NIL NIL NIL)`
 * closes it. No space between addresses, as in RFC 3501's grammar (`"(" 1*address ")"`).
 */
function writeAddresses(out: WireWriter, addresses: EnvelopeAddress[] | null): void {
  if (!addresses || addresses.length === 0) {
    out.raw("NIL");
    return;
  }
  out.raw("(");
  for (const [name, adl, mailbox, host] of addresses) {
    out.raw("(").nstring(name).raw(" ").nstring(adl).raw(" ").nstring(mailbox).raw(" ").nstring(host).raw(")");
  }
  out.raw(")");
}
