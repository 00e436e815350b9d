// FETCH and UID FETCH (RFC 3501 §6.4.5). Everything but message bytes comes from the
// analysis stored at delivery; bytes are read only for BODY[…] and RFC822 items, one
// message at a time, and written as they are ready so a big FETCH never sits in memory.
import type { Envelope, MimePart } from "@/lib/mime/analyze";
import { fetchSection, formatInternalDate, parseFetchAttributes, renderBodyStructure, renderEnvelope, responseName, rfc822Section, setsSeen, needsMessageBytes, type FetchAttribute } from "../fetch";
import { asAtom, asList, list, ImapSyntaxError, type ImapCommand } from "../protocol";
import type { ImapSession } from "../session";
import { resolveMessages } from "./util";
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

/** Small responses are gathered up to this size before they go to the socket. */
const BATCH_BYTES = 64 * 1024;

/**
 * Gathers the text of FETCH responses and writes it in large pieces: a write per item of a
 * 100,000-message `FETCH 1:* (FLAGS)` was one system call each, most of the command's time.
 * Message bytes (literals) go to the socket as they are, never copied.
 */
class OutputBatch {
  private text = "";

  constructor(private readonly session: ImapSession) {}

  get pending(): number {
    return this.text.length;
  }

  add(piece: string | Buffer) {
    if (typeof piece === "string") {
      this.text += piece;
      return;
    }
    this.flush();
    this.session.write(piece);
  }

  flush() {
    if (!this.text) return;
    this.session.write(this.text);
    this.text = "";
  }
}

async function run(session: ImapSession, command: ImapCommand, byUid: boolean) {
  const selected = session.selected!;
  const messages = resolveMessages(session, asAtom(command.args[0]), byUid);
  const attributes: FetchAttribute[] = parseFetchAttributes(attributeTexts(command));
  const { since, vanished } = modifiers(session, command, byUid);
  if (byUid && !attributes.some((a) => a.kind === "UID")) attributes.unshift({ kind: "UID" });
  if (since !== null || attributes.some((a) => a.kind === "MODSEQ")) session.enableCondstore();
  if (since !== null && !attributes.some((a) => a.kind === "MODSEQ")) attributes.push({ kind: "MODSEQ" });
  let states = await session.store.messages.byUids(selected.mailboxId, messages.map((m) => m.uid));
  if (since !== null) states = states.filter((state) => state.modSeq > since);
  const byUidMap = new Map(states.map((s) => [s.uid, s]));

  // VANISHED (EARLIER) before the FETCH responses, as RFC 7162 §3.2.6 shows it.
  if (vanished && since !== null) for (const response of await vanishedSince(session, selected, asAtom(command.args[0]), since)) session.write(response);

  // Reading a body marks the message \Seen (not in EXAMINE, not with PEEK).
  const marksSeen = !selected.readOnly && attributes.some(setsSeen);
  const newlySeen = new Set<number>();
  if (marksSeen) {
    const unseen = states.filter((s) => !s.flags.includes("\\Seen")).map((s) => s.uid);
    if (unseen.length) {
      const { changed } = await session.store.messages.setFlags(selected.mailboxId, unseen, "add", ["\\Seen"]);
      for (const state of changed) {
        byUidMap.set(state.uid, state);
        selected.noteOwnChange(state.uid, state.modSeq);
        newlySeen.add(state.uid);
      }
    }
  }
  const needsContent = attributes.some((a) => a.kind !== "FLAGS" && a.kind !== "UID" && a.kind !== "INTERNALDATE" && a.kind !== "RFC822.SIZE" && a.kind !== "MODSEQ");
  const contents = needsContent ? await session.store.messages.contents(states.map((s) => s.contentId)) : new Map();
  const wantsBytes = needsMessageBytes(attributes);

  const output = new OutputBatch(session);
  for (const { seq, uid } of messages) {
    const state = byUidMap.get(uid);
    if (!state) continue;
    const content = contents.get(state.contentId);
    const structure = content ? (JSON.parse(content.bodyStructure) as MimePart) : null;
    const raw = wantsBytes && content ? await session.store.readMessage(content.blobHash) : null;
    // Items as pieces written one after the other: a section is a view into the message
    // bytes and goes to the socket as it is, never copied into a response buffer.
    const items: (string | Buffer)[] = [];
    const section = (bytes: Buffer) => [`{${bytes.length}}\r\n`, bytes];
    for (const attribute of attributes) {
      switch (attribute.kind) {
        case "UID":
          items.push("UID", String(uid));
          break;
        case "FLAGS":
          items.push("FLAGS", list(selected.flagsOf(uid, state.flags)));
          break;
        case "INTERNALDATE":
          items.push("INTERNALDATE", formatInternalDate(state.internalDate));
          break;
        case "RFC822.SIZE":
          items.push("RFC822.SIZE", String(state.size));
          break;
        case "MODSEQ":
          items.push("MODSEQ", `(${state.modSeq})`);
          break;
        case "ENVELOPE":
          items.push("ENVELOPE", renderEnvelope(JSON.parse(content!.envelope) as Envelope));
          break;
        case "BODY":
        case "BODYSTRUCTURE":
          items.push(attribute.kind, renderBodyStructure(structure!, attribute.kind === "BODYSTRUCTURE"));
          break;
        case "RFC822":
        case "RFC822.HEADER":
        case "RFC822.TEXT":
          items.push(attribute.kind, ...section(fetchSection(raw!, structure!, rfc822Section(attribute.kind))));
          break;
        case "BODY[]":
          items.push(responseName(attribute), ...section(fetchSection(raw!, structure!, attribute.section, attribute.partial)));
          break;
      }
    }
    if (newlySeen.has(uid) && !attributes.some((a) => a.kind === "FLAGS")) items.push("FLAGS", list(selected.flagsOf(uid, state.flags)));
    if (newlySeen.has(uid) && session.condstore && !attributes.some((a) => a.kind === "MODSEQ")) items.push("MODSEQ", `(${state.modSeq})`);
    output.add(`* ${seq} FETCH (`);
    items.forEach((item, i) => {
      // A literal's "{n}\r\n" is followed by its bytes directly; everything else by a space.
      if (i > 0 && !(typeof items[i - 1] === "string" && (items[i - 1] as string).endsWith("}\r\n"))) output.add(" ");
      output.add(item);
    });
    output.add(")\r\n");
    if (output.pending >= BATCH_BYTES || raw) {
      output.flush();
      await session.connection.drained();
    }
  }
  output.flush();
  // Never an EXPUNGE in answer to a FETCH by sequence number (RFC 3501 §7.4.1).
  await session.finish(command.tag, "OK", "FETCH completed", undefined, { allowExpunge: byUid, withUid: byUid });
}

export const fetch = (session: ImapSession, command: ImapCommand) => run(session, command, false);
export const uidFetch = (session: ImapSession, command: ImapCommand) => run(session, command, true);
