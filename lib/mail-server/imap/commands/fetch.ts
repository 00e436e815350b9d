// FETCH and UID FETCH (RFC 3501 §6.4.5). Everything but message bytes comes from the
// analysis stored at delivery; bytes are read only for BODY[…] and RFC822 items, one
// message at a time, and written as they are ready so a big FETCH never sits in memory.
import type { MailboxStates, MessageState } from "../../store";
import { fetchSection, formatInternalDate, parseFetchAttributes, responseName, rfc822Section, setsSeen, needsMessageBytes, type FetchAttribute } from "../fetch";
import { renderedContents, type RenderedContent } from "../fetch/content-cache";
import { asAtom, asList, ImapSyntaxError, type ImapCommand } from "../protocol";
import { ByteWriter } from "../../net/byte-writer";
import { GATHER_BELOW } from "../../net/gathered-output";
import type { SelectedMailbox } from "../selected";
import { ImapError, type ImapSession } from "../session";
import { resolveSeqRanges } from "./util";
import { parseModSeq, vanishedSince } from "./qresync";

/** A list's items, or the one item or macro (ALL, FAST, FULL) given alone. */
function attributeTexts(command: ImapCommand): string | string[] {
  const spec = command.args[1];
  if (!spec || command.args.length > 3) throw new ImapSyntaxError("FETCH takes a message set, data items and optional modifiers");
  return spec.type === "list" ? asList(spec).map(asAtom) : asAtom(spec);
}

/**
 * FETCH modifiers (RFC 4466): CHANGEDSINCE (RFC 7162 §3.1.4.1) and, for UID FETCH with
 * CHANGEDSINCE once QRESYNC is on, VANISHED (RFC 7162 §3.2.6).
 */
function modifiers(session: ImapSession, command: ImapCommand, byUid: boolean): { since: bigint | null; vanished: boolean } {
  const token = command.args[2];
  if (!token) return { since: null, vanished: false };
  const items = asList(token);
  let since: bigint | null = null;
  let vanished = false;
  for (let i = 0; i < items.length; i++) {
    const name = asAtom(items[i]).toUpperCase();
    if (name === "CHANGEDSINCE" && since === null) since = parseModSeq(asAtom(items[++i]));
    else if (name === "VANISHED" && !vanished) vanished = true;
    else throw new ImapSyntaxError("Unknown FETCH modifier");
  }
  if (vanished && (!byUid || since === null || !session.qresync)) throw new ImapSyntaxError("VANISHED needs UID FETCH, CHANGEDSINCE and ENABLE QRESYNC");
  return { since, vanished };
}

/** Output a FETCH lets pile up unsent before it waits for the client to read (Connection.drained). */
const BATCH_BYTES = 64 * 1024;

/** Items read from the mailbox's state alone (store.states), with no content row. */
const STATE_ITEMS: ReadonlySet<FetchAttribute["kind"]> = new Set(["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "MODSEQ"]);

/**
 * The `* n FETCH (…)` lines of a command as they are built, straight into bytes: items as text,
 * ENVELOPE and BODYSTRUCTURE copied from their cached wire form, a section's bytes copied when
 * small and otherwise sent as they are, never copied. One per command, reused for every message.
 */
class ResponseLines {
  /** Starts small (a client's FETCH of one message's envelope) and doubles up to a batch. */
  private readonly out = new ByteWriter(16 * 1024);
  private first = true;

  constructor(private readonly session: ImapSession) {}

  /** Bytes built and not yet handed to the connection. */
  get pending(): number {
    return this.out.pending;
  }

  start(seq: number) {
    this.out.text("* ").integer(seq).text(" FETCH (");
    this.first = true;
  }

  private label(name: string) {
    if (!this.first) this.out.text(" ");
    this.out.text(name).text(" ");
    this.first = false;
  }

  item = (name: string, value: string) => {
    this.label(name);
    this.out.text(value);
  };

  /** An item whose value is already in wire form (ENVELOPE, BODYSTRUCTURE). */
  piece = (name: string, value: Buffer) => {
    this.label(name);
    this.out.bytes(value);
  };

  /** An item whose value is a literal of these bytes (a section). */
  literal = (name: string, bytes: Buffer) => {
    this.label(name);
    this.out.text(`{${bytes.length}}\r\n`);
    if (bytes.length < GATHER_BELOW) {
      this.out.bytes(bytes);
      return;
    }
    this.send();
    this.session.write(bytes);
  };

  end() {
    this.out.text(")\r\n");
  }

  /** Hands what was built to the connection. */
  send() {
    if (this.out.pending) this.session.write(this.out.take());
  }
}

async function run(session: ImapSession, command: ImapCommand, byUid: boolean) {
  const selected = session.selected!;
  const ranges = resolveSeqRanges(session, asAtom(command.args[0]), byUid);
  const uidAt = (seq: number) => selected.uids.uidAt(seq);
  const namedUids = () => ranges.flatMap(([first, last]) => Array.from({ length: last - first + 1 }, (_, i) => uidAt(first + i)));
  const attributes: FetchAttribute[] = parseFetchAttributes(attributeTexts(command));
  const { since, vanished } = modifiers(session, command, byUid);
  if (byUid && !attributes.some((a) => a.kind === "UID")) attributes.unshift({ kind: "UID" });
  if (since !== null || attributes.some((a) => a.kind === "MODSEQ")) session.enableCondstore();
  if (since !== null && !attributes.some((a) => a.kind === "MODSEQ")) attributes.push({ kind: "MODSEQ" });

  // VANISHED (EARLIER) before the FETCH responses, as RFC 7162 §3.2.6 shows it.
  if (vanished && since !== null) for (const response of await vanishedSince(session, selected, asAtom(command.args[0]), since)) session.write(response);

  // Reading a body marks the message \Seen (not in EXAMINE, not with PEEK). The flags shown
  // are then the ones this change left.
  const newlySeen = new Map<number, MessageState>();
  if (!selected.readOnly && attributes.some(setsSeen)) {
    const before = await currentStates(session);
    const unseen = namedUids().filter((uid) => {
      const i = before.indexOf(uid);
      return i >= 0 && !before.isSeen(i) && (since === null || BigInt(before.modSeqs[i]) > since);
    });
    if (unseen.length) {
      const { changed } = await session.store.messages.setFlags(selected.mailboxId, unseen, "add", ["\\Seen"]);
      for (const state of changed) {
        selected.noteOwnChange(state.uid, state.modSeq);
        newlySeen.set(state.uid, state);
      }
    }
  }
  const states = await currentStates(session);
  const contentOf = (uid: number) => {
    const i = states.indexOf(uid);
    return i < 0 ? -1 : states.contentIds[i];
  };
  const needsContent = attributes.some((a) => !STATE_ITEMS.has(a.kind));
  /** What ENVELOPE, BODYSTRUCTURE and sections are rendered from, read a window of messages at a time. */
  let contents: Map<number, RenderedContent> | null = null;
  let position = 0;
  const wantsBytes = needsMessageBytes(attributes);
  const wantsFlags = attributes.some((a) => a.kind === "FLAGS");
  const wantsModSeq = attributes.some((a) => a.kind === "MODSEQ");

  if (!needsContent && !newlySeen.size) {
    await writeStateItems(session, states, ranges, attributes, since);
    // Never an EXPUNGE in answer to a FETCH by sequence number (RFC 3501 §7.4.1).
    return session.finish(command.tag, "OK", "FETCH completed", undefined, { allowExpunge: byUid, withUid: byUid });
  }
  const lines = new ResponseLines(session);
  let hint = 0;
  for (let r = 0; r < ranges.length; r++) for (let seq = ranges[r][0]; seq <= ranges[r][1]; seq++) {
    if (needsContent && position++ % CONTENT_WINDOW === 0) {
      contents = await renderedContents(session.store, seqsFrom(ranges, r, seq, CONTENT_WINDOW).map((at) => contentOf(uidAt(at))).filter((id) => id >= 0));
    }
    const uid = uidAt(seq);
    // Looked up again at each message: the columns may change while a big FETCH waits for the client.
    const i = states.indexOf(uid, hint);
    if (i < 0) continue;
    hint = i + 1;
    const seen = newlySeen.get(uid);
    const modSeq = seen ? seen.modSeq : states.modSeqs[i];
    if (since !== null && BigInt(modSeq) <= since) continue;
    const flags = () => flagList(selected, uid, seen ? seen.flags.join(" ") : states.flagsText(i));
    const content = contents?.get(states.contentIds[i]);
    if (needsContent && !content) continue;
    const raw = wantsBytes && content ? await session.store.readMessage(content.blobHash) : null;
    lines.start(seq);
    const { item, piece, literal } = lines;
    for (const attribute of attributes) {
      switch (attribute.kind) {
        case "UID":
          item("UID", String(uid));
          break;
        case "FLAGS":
          item("FLAGS", flags());
          break;
        case "INTERNALDATE":
          item("INTERNALDATE", formatInternalDate(new Date(states.internalDates[i])));
          break;
        case "RFC822.SIZE":
          item("RFC822.SIZE", String(states.sizes[i]));
          break;
        case "MODSEQ":
          item("MODSEQ", `(${modSeq})`);
          break;
        case "ENVELOPE":
          piece("ENVELOPE", content!.envelope());
          break;
        case "BODY":
        case "BODYSTRUCTURE":
          piece(attribute.kind, content!.bodyStructure(attribute.kind === "BODYSTRUCTURE"));
          break;
        case "RFC822":
        case "RFC822.HEADER":
        case "RFC822.TEXT":
          literal(attribute.kind, fetchSection(raw!, content!.structure, rfc822Section(attribute.kind)));
          break;
        case "BODY[]":
          literal(responseName(attribute), fetchSection(raw!, content!.structure, attribute.section, attribute.partial));
          break;
      }
    }
    if (seen && !wantsFlags) item("FLAGS", flags());
    if (seen && session.condstore && !wantsModSeq) item("MODSEQ", `(${modSeq})`);
    lines.end();
    if (raw || lines.pending + session.connection.unsent >= BATCH_BYTES) {
      lines.send();
      await session.connection.drained();
    }
  }
  lines.send();
  // Never an EXPUNGE in answer to a FETCH by sequence number (RFC 3501 §7.4.1).
  await session.finish(command.tag, "OK", "FETCH completed", undefined, { allowExpunge: byUid, withUid: byUid });
}

/**
 * Messages whose content is read per query: a `FETCH 1:* (ENVELOPE)` of 100,000 messages would
 * otherwise hold every envelope and structure at once.
 */
const CONTENT_WINDOW = 256;

/** Up to n sequence numbers from `seq` in ranges[r] on, across the ranges after it. */
function seqsFrom(ranges: readonly [number, number][], r: number, seq: number, n: number): number[] {
  const out: number[] = [];
  for (let i = r, at = seq; i < ranges.length && out.length < n; i++, at = ranges[i]?.[0] ?? 0) {
    for (; at <= ranges[i][1] && out.length < n; at++) out.push(at);
  }
  return out;
}

/**
 * FETCH of items the state cache holds (UID, FLAGS, INTERNALDATE, RFC822.SIZE, MODSEQ): what
 * clients send to resynchronise, often over the whole mailbox. Its own loop, so that the
 * general one, which also serves ENVELOPE and sections, doesn't make it polymorphic; written
 * as bytes (ByteWriter), with no string made per message.
 */
async function writeStateItems(session: ImapSession, states: MailboxStates, ranges: readonly [number, number][], attributes: readonly FetchAttribute[], since: bigint | null) {
  const selected = session.selected!;
  const kinds = attributes.map((a) => a.kind);
  const out = new ByteWriter(BATCH_BYTES + 1024);
  let hint = 0;
  for (const [first, last] of ranges) {
    for (let seq = first; seq <= last; seq++) {
      const uid = selected.uids.uidAt(seq);
      const i = states.indexOf(uid, hint);
      if (i < 0) continue;
      hint = i + 1;
      const modSeq = states.modSeqs[i];
      if (since !== null && BigInt(modSeq) <= since) continue;
      out.text("* ").integer(seq).text(" FETCH (");
      for (let k = 0; k < kinds.length; k++) {
        if (k) out.text(" ");
        switch (kinds[k]) {
          case "UID":
            out.text("UID ").integer(uid);
            break;
          case "FLAGS": {
            const stored = states.flagsText(i);
            out.text("FLAGS (").text(stored).text(recentFlag(selected, uid, stored)).text(")");
            break;
          }
          case "INTERNALDATE":
            out.text("INTERNALDATE ").text(formatInternalDate(new Date(states.internalDates[i])));
            break;
          case "RFC822.SIZE":
            out.text("RFC822.SIZE ").integer(states.sizes[i]);
            break;
          case "MODSEQ":
            out.text("MODSEQ (").integer(modSeq).text(")");
            break;
        }
      }
      out.text(")\r\n");
      if (out.pending >= BATCH_BYTES) {
        session.write(out.take());
        await session.connection.drained();
      }
    }
  }
  if (out.pending) session.write(out.take());
}

/** The selected mailbox's message states, current as of now. */
async function currentStates(session: ImapSession): Promise<MailboxStates> {
  const states = await session.store.states.get(session.selected!.mailboxId);
  if (!states) throw new ImapError("NO", "The mailbox no longer exists", "NONEXISTENT");
  return states;
}

/** What follows the stored flags for this session: \Recent is the session's own (RFC 3501 §2.3.2). */
function recentFlag(selected: SelectedMailbox, uid: number, stored: string): string {
  if (!selected.recent.has(uid)) return "";
  return stored ? " \\Recent" : "\\Recent";
}

/** `(flags)` as this session shows them. */
function flagList(selected: SelectedMailbox, uid: number, stored: string): string {
  return `(${stored}${recentFlag(selected, uid, stored)})`;
}

export const fetch = (session: ImapSession, command: ImapCommand) => run(session, command, false);
export const uidFetch = (session: ImapSession, command: ImapCommand) => run(session, command, true);
