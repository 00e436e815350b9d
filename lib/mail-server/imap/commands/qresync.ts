// QRESYNC (RFC 7162 §3.2): the SELECT/EXAMINE parameters and what they answer with, and the
// VANISHED (EARLIER) of UID FETCH … (CHANGEDSINCE n VANISHED). The store remembers every
// expunged UID with its MODSEQ and never forgets them (ExpungedMessage is not pruned), so the
// expunges since any MODSEQ are known exactly; seq-match-data, meant for servers that forget,
// only narrows an answer that is already exact.
import { asAtom, asList, formatUidSet, listText, parseSequenceSet, toRanges, untagged, ImapSyntaxError, MAX_UID, type ImapToken, type SequenceSet } from "../protocol";
import type { SelectedMailbox } from "../selected";
import type { ImapSession } from "../session";

export interface QresyncParameters {
  uidValidity: number;
  modSeq: bigint;
  /** The UIDs the client knows, as merged ranges; null for all. */
  knownUids: [number, number][] | null;
  /** Pairs of (message number, UID) the client knew, from seq-match-data. */
  seqMatch: { seqs: [number, number][]; uids: [number, number][] } | null;
}

/** What a modseq may be: mod-sequence-value, 63 bits (RFC 7162 §7). */
export function parseModSeq(text: string): bigint {
  if (!/^\d{1,19}$/.test(text) || BigInt(text) > 0x7fffffffffffffffn) throw new ImapSyntaxError("Invalid mod-sequence value");
  return BigInt(text);
}

/** A sequence set in which "*" makes no sense (known-uids, seq-match-data), as merged ranges. */
function explicitSet(token: ImapToken | undefined): [number, number][] {
  const set: SequenceSet = parseSequenceSet(asAtom(token));
  if (set.saved || set.ranges.some((range) => range.from === "*" || range.to === "*")) throw new ImapSyntaxError("QRESYNC sets can't contain *");
  return toRanges(set, MAX_UID);
}

const countOf = (ranges: [number, number][]) => ranges.reduce((n, [from, to]) => n + to - from + 1, 0);

/**
 * The SELECT/EXAMINE parameters (RFC 4466 select-param): CONDSTORE, and
 * QRESYNC (uidvalidity modseq [known-uids [(known-sequence-set known-uid-set)]]).
 */
export function parseSelectParameters(session: ImapSession, token: ImapToken): QresyncParameters | null {
  const items = asList(token);
  let resync: QresyncParameters | null = null;
  for (let i = 0; i < items.length; i++) {
    const name = asAtom(items[i]).toUpperCase();
    if (name === "CONDSTORE") {
      session.enableCondstore();
      continue;
    }
    if (name !== "QRESYNC" || resync) throw new ImapSyntaxError("Unknown SELECT parameter");
    // RFC 7162 §3.2.5: BAD unless the client enabled QRESYNC on this connection.
    if (!session.qresync) throw new ImapSyntaxError("ENABLE QRESYNC first");
    const values = asList(items[++i]);
    if (values.length < 2 || values.length > 4) throw new ImapSyntaxError("QRESYNC takes uidvalidity, modseq, known UIDs and sequence match data");
    const uidValidity = asAtom(values[0]);
    if (!/^[1-9]\d{0,9}$/.test(uidValidity) || Number(uidValidity) > MAX_UID) throw new ImapSyntaxError("Invalid UIDVALIDITY");
    let knownUids: [number, number][] | null = null;
    let seqMatch: QresyncParameters["seqMatch"] = null;
    let next = 2;
    if (values[next]?.type === "atom") knownUids = explicitSet(values[next++]);
    if (values[next]) {
      const pair = asList(values[next++]);
      if (pair.length !== 2) throw new ImapSyntaxError("Sequence match data is a message set and a UID set");
      seqMatch = { seqs: explicitSet(pair[0]), uids: explicitSet(pair[1]) };
      // RFC 7162 §3.2.5: the two sets must pair up one to one.
      if (countOf(seqMatch.seqs) !== countOf(seqMatch.uids)) throw new ImapSyntaxError("Sequence match data sets differ in size");
    }
    if (next !== values.length) throw new ImapSyntaxError("Invalid QRESYNC parameter");
    resync = { uidValidity: Number(uidValidity), modSeq: parseModSeq(asAtom(values[1])), knownUids, seqMatch };
  }
  return resync;
}

function inRanges(ranges: [number, number][], n: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (n < ranges[mid][0]) hi = mid - 1;
    else if (n > ranges[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Pairs checked at most, from the highest down: enough to narrow, never a long walk. */
const MAX_SEQ_MATCH_CHECKS = 10_000;

/**
 * The highest UID the client paired with a message number that still holds it now. Below it
 * nothing can have been expunged since the client's view (new mail only gets higher UIDs, so
 * an unchanged count below means an unchanged set), so VANISHED needs only UIDs above it.
 */
function lastMatchingUid(selected: SelectedMailbox, seqMatch: NonNullable<QresyncParameters["seqMatch"]>): number {
  let seqRun = seqMatch.seqs.length - 1;
  let uidRun = seqMatch.uids.length - 1;
  let seq = seqRun >= 0 ? seqMatch.seqs[seqRun][1] : 0;
  let uid = uidRun >= 0 ? seqMatch.uids[uidRun][1] : 0;
  for (let checks = 0; seqRun >= 0 && uidRun >= 0 && checks < MAX_SEQ_MATCH_CHECKS; checks++) {
    if (selected.seqOf(uid) === seq) return uid;
    if (--seq < seqMatch.seqs[seqRun][0] && --seqRun >= 0) seq = seqMatch.seqs[seqRun][1];
    if (--uid < seqMatch.uids[uidRun][0] && --uidRun >= 0) uid = seqMatch.uids[uidRun][1];
  }
  return 0;
}

/**
 * What SELECT … (QRESYNC …) adds when the UIDVALIDITY is still the client's (RFC 7162
 * §3.2.5.1): VANISHED (EARLIER) for what was expunged since its MODSEQ, then FETCH (UID FLAGS
 * MODSEQ) for what changed, both only for the known UIDs when the client named them.
 */
export async function resyncResponses(session: ImapSession, selected: SelectedMailbox, resync: QresyncParameters): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const known = (uid: number) => resync.knownUids === null || inRanges(resync.knownUids, uid);
  const above = resync.seqMatch ? lastMatchingUid(selected, resync.seqMatch) : 0;
  const vanished = (await session.store.messages.expungedSince(selected.mailboxId, resync.modSeq)).filter((uid) => uid > above && known(uid));
  if (vanished.length) out.push(untagged("VANISHED", "(EARLIER)", formatUidSet(vanished)));
  // Messages delivered after the listing come with the next EXISTS, not here.
  const changed = (await session.store.messages.changedSince(selected.mailboxId, resync.modSeq)).filter((state) => known(state.uid) && selected.uids.has(state.uid));
  out.push(...selected.flagResponses(changed.flatMap((state) => state.flags)));
  for (const state of changed) {
    out.push(untagged(String(selected.seqOf(state.uid)), "FETCH", listText(["UID", String(state.uid), "FLAGS", listText(selected.flagsOf(state.uid, state.flags)), "MODSEQ", `(${state.modSeq})`])));
  }
  return out;
}

/** VANISHED (EARLIER) for UID FETCH … (CHANGEDSINCE n VANISHED) (RFC 7162 §3.2.6): expunged UIDs of the set. */
export async function vanishedSince(session: ImapSession, selected: SelectedMailbox, setText: string, modSeq: bigint): Promise<Buffer[]> {
  const set = parseSequenceSet(setText);
  // "*" here is open-ended: the last messages may be the expunged ones, above every UID left.
  const ranges = toRanges(set, MAX_UID);
  const uids = (await session.store.messages.expungedSince(selected.mailboxId, modSeq)).filter((uid) => inRanges(ranges, uid));
  return uids.length ? [untagged("VANISHED", "(EARLIER)", formatUidSet(uids))] : [];
}
