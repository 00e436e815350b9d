// Argument helpers the commands share: mailbox names on the wire, message sets.
import { asAString, decodeMailboxName, encodeMailboxName, exceeds, parseSequenceSet, toRanges, astring, ImapSyntaxError, type ImapToken } from "../protocol";
import { ImapError, type ImapSession } from "../session";

/** A mailbox name as the client sent it: modified UTF-7, or UTF-8 once UTF8=ACCEPT is on. */
export function mailboxName(session: ImapSession, token: ImapToken | undefined): string {
  const wire = asAString(token);
  if (session.utf8) return wire;
  try {
    return decodeMailboxName(wire);
  } catch {
    throw new ImapError("NO", "Mailbox name is not valid modified UTF-7", "CANNOT");
  }
}

/** A mailbox name for a response. */
export function wireName(session: ImapSession, name: string): Buffer {
  return astring(session.utf8 ? name : encodeMailboxName(name), { utf8: session.utf8 });
}

/**
 * The sequence numbers a sequence set or UID set names, as ascending [first, last] ranges:
 * what a command walks without an object per message (`UID FETCH 1:*` names 100,000).
 */
export function resolveSeqRanges(session: ImapSession, setText: string, byUid: boolean): [number, number][] {
  const selected = session.selected;
  if (!selected) throw new ImapError("BAD", "No mailbox selected");
  const set = parseSequenceSet(setText);
  const uids = selected.uids;
  if (byUid) {
    // UIDs that no longer exist are simply not there (RFC 3501 §6.4.8): never an error.
    // Each UID range is the run of sequence numbers between its ends: no walk over the mailbox.
    const out: [number, number][] = [];
    for (const [from, to] of toRanges(set, selected.maxUid)) {
      const first = uids.countBelow(from) + 1;
      const last = uids.countBelow(to + 1);
      if (first <= last) out.push([first, last]);
    }
    return out;
  }
  if (exceeds(set, selected.exists)) throw new ImapSyntaxError("Message sequence number out of range");
  return toRanges(set, selected.exists);
}

/** Messages named by a sequence set or UID set, as (seq, uid) pairs in ascending order. */
export function resolveMessages(session: ImapSession, setText: string, byUid: boolean): { seq: number; uid: number }[] {
  const uids = session.selected?.uids;
  const out: { seq: number; uid: number }[] = [];
  for (const [first, last] of resolveSeqRanges(session, setText, byUid)) for (let seq = first; seq <= last; seq++) out.push({ seq, uid: uids!.uidAt(seq) });
  return out;
}

/** IMAP flag names: system flags with "\", keywords as atoms. \Recent can't be set. */
export function parseFlags(tokens: ImapToken[]): string[] {
  return tokens.map((token) => {
    if (token.type !== "atom") throw new ImapSyntaxError("Flags are atoms");
    const flag = token.value;
    if (flag.startsWith("\\")) {
      const known = ["\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "\\Recent"].find((f) => f.toLowerCase() === flag.toLowerCase());
      if (!known) throw new ImapSyntaxError(`Unknown system flag ${flag.slice(0, 30)}`);
      return known;
    }
    // flag-keyword is an atom (RFC 3501 §9): no atom-specials or "]"; the store keeps at most 100 characters.
    if (/[(){ %*"\\\]\x00-\x1f\x7f]/.test(flag) || flag.length > 100) throw new ImapSyntaxError("Invalid keyword");
    return flag;
  });
}

/** Keywords one message may carry (the store's limit). */
export const MAX_KEYWORDS = 64;
