// Mailbox commands (RFC 3501 §6.3): SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE,
// UNSUBSCRIBE, LIST, LSUB, STATUS; NAMESPACE (RFC 2342). Special-use roles (RFC 6154) and
// \HasChildren/\HasNoChildren (RFC 3348) come with every LIST.
import { StoreError, type MailboxInfo } from "../../store";
import { asAtom, asList, list as wireList, untagged, ImapSyntaxError, type ImapCommand } from "../protocol";
import { SelectedMailbox } from "../selected";
import { ImapError, type ImapSession } from "../session";
import { mailboxName, wireName } from "./util";

/** Store refusals in IMAP's words. */
export function asImapError(error: unknown): never {
  if (error instanceof StoreError) {
    const code = error.code === "not-found" ? "NONEXISTENT" : error.code === "exists" ? "ALREADYEXISTS" : error.code === "invalid" ? "LIMIT" : "CANNOT";
    throw new ImapError("NO", error.message, code);
  }
  throw error;
}

async function open(session: ImapSession, command: ImapCommand, readOnly: boolean) {
  const name = mailboxName(session, command.args[0]);
  if (command.args.length > 2) throw new ImapSyntaxError("SELECT takes a mailbox name and optional parameters");
  if (command.args[1]) {
    for (const parameter of asList(command.args[1])) {
      if (asAtom(parameter).toUpperCase() !== "CONDSTORE") throw new ImapSyntaxError("Unknown SELECT parameter");
      session.enableCondstore();
    }
  }
  // A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1).
  await session.select(null);
  const mailbox = await session.store.folders.get(session.user!.accountId, name);
  if (!mailbox) throw new ImapError("NO", "No such mailbox", "NONEXISTENT");
  const messages = await session.store.messages.list(mailbox.id);
  const selected = new SelectedMailbox(session.store, mailbox.id, session.user!.accountId, mailbox.name, readOnly, mailbox.uidValidity, messages.map((m) => m.uid));
  for (const message of messages) selected.noteOwnChange(message.uid, message.modSeq);
  if (readOnly) {
    // EXAMINE shows what is recent without taking it from the next session.
    for (const message of messages) if (message.uid >= mailbox.recentUid) selected.recent.add(message.uid);
  } else {
    await selected.claimRecent(messages.map((m) => m.uid));
  }
  await session.select(selected);

  for (const response of selected.flagResponses(messages.flatMap((m) => m.flags), true)) session.write(response);
  session.write(untagged(String(messages.length), "EXISTS"));
  session.write(untagged(String(selected.recent.size), "RECENT"));
  const firstUnseen = messages.findIndex((m) => !m.flags.includes("\\Seen"));
  if (firstUnseen >= 0) session.write(untagged("OK", `[UNSEEN ${firstUnseen + 1}] First unseen`));
  session.write(untagged("OK", `[UIDVALIDITY ${mailbox.uidValidity}] UIDs valid`));
  session.write(untagged("OK", `[UIDNEXT ${mailbox.uidNext}] Predicted next UID`));
  // RFC 7162 §3.1.2.1: with every SELECT of a mailbox that keeps MODSEQs.
  session.write(untagged("OK", `[HIGHESTMODSEQ ${mailbox.highestModSeq}] Highest`));
  await session.finish(command.tag, "OK", `${readOnly ? "EXAMINE" : "SELECT"} completed`, readOnly ? "READ-ONLY" : "READ-WRITE");
}

export const select = (session: ImapSession, command: ImapCommand) => open(session, command, false);
export const examine = (session: ImapSession, command: ImapCommand) => open(session, command, true);

export async function create(session: ImapSession, command: ImapCommand) {
  // A trailing delimiter only says the name will have children (RFC 3501 §6.3.3).
  const name = mailboxName(session, command.args[0]).replace(/\/+$/, "");
  await session.store.folders.create(session.user!.accountId, name).catch(asImapError);
  await session.finish(command.tag, "OK", "CREATE completed");
}

export async function deleteMailbox(session: ImapSession, command: ImapCommand) {
  const name = mailboxName(session, command.args[0]);
  if (session.selected && session.selected.name === (await session.store.folders.get(session.user!.accountId, name))?.name) await session.select(null);
  await session.store.folders.delete(session.user!.accountId, name).catch(asImapError);
  await session.finish(command.tag, "OK", "DELETE completed");
}

export async function rename(session: ImapSession, command: ImapCommand) {
  const from = mailboxName(session, command.args[0]);
  const to = mailboxName(session, command.args[1]);
  await session.store.folders.rename(session.user!.accountId, from, to).catch(asImapError);
  await session.finish(command.tag, "OK", "RENAME completed");
}

async function setSubscription(session: ImapSession, command: ImapCommand, subscribed: boolean) {
  const name = mailboxName(session, command.args[0]);
  try {
    await session.store.folders.setSubscribed(session.user!.accountId, name, subscribed);
  } catch (error) {
    // Unsubscribing from a name that no longer exists is fine.
    if (!(error instanceof StoreError && error.code === "not-found" && !subscribed)) asImapError(error);
  }
  await session.finish(command.tag, "OK", `${subscribed ? "SUBSCRIBE" : "UNSUBSCRIBE"} completed`);
}

export const subscribe = (session: ImapSession, command: ImapCommand) => setSubscription(session, command, true);
export const unsubscribe = (session: ImapSession, command: ImapCommand) => setSubscription(session, command, false);

const MAX_PATTERN_LENGTH = 1024;

/**
 * LIST wildcards (RFC 3501 §6.3.8): "*" matches anything, "%" anything but the delimiter.
 * Dynamic programming over pattern × name, so no pattern can make it backtrack: a regex
 * built from "*a*a*a*…c" took seconds on one long name and stopped the whole server.
 */
export function globMatch(pattern: string, name: string): boolean {
  let previous = new Uint8Array(name.length + 1);
  previous[0] = 1;
  for (const c of pattern) {
    const current = new Uint8Array(name.length + 1);
    if (c === "*" || c === "%") {
      let reachable = 0;
      for (let j = 0; j <= name.length; j++) {
        if (c === "%" && j > 0 && name[j - 1] === "/") reachable = 0;
        reachable |= previous[j];
        current[j] = reachable;
      }
    } else {
      for (let j = 0; j < name.length; j++) if (previous[j] && name[j] === c) current[j + 1] = 1;
    }
    previous = current;
  }
  return previous[name.length] === 1;
}

function patternMatcher(reference: string, pattern: string): (name: string) => boolean {
  const full = reference + pattern;
  if (full.length > MAX_PATTERN_LENGTH) throw new ImapError("BAD", "Pattern too long");
  // INBOX is case-insensitive, also as the start of a pattern.
  const normalized = /^inbox(?=\/|$)/i.test(full) ? `INBOX${full.slice(5)}` : full;
  return (name) => globMatch(normalized, name);
}

function attributes(mailbox: MailboxInfo, all: MailboxInfo[], subscribedFlag: boolean): string[] {
  const attrs: string[] = [];
  const hasChildren = all.some((m) => m.name.startsWith(`${mailbox.name}/`));
  attrs.push(hasChildren ? "\\HasChildren" : "\\HasNoChildren");
  if (mailbox.specialUse) attrs.push(mailbox.specialUse);
  if (subscribedFlag && mailbox.subscribed) attrs.push("\\Subscribed");
  return attrs;
}

async function listing(session: ImapSession, command: ImapCommand, kind: "LIST" | "LSUB") {
  if (command.args.length !== 2) throw new ImapSyntaxError(`${kind} takes a reference and a pattern`);
  const reference = mailboxName(session, command.args[0]);
  const pattern = mailboxName(session, command.args[1]);
  if (kind === "LIST" && pattern === "") {
    // The hierarchy delimiter and root (RFC 3501 §6.3.8).
    session.write(untagged("LIST", wireList(["\\Noselect"]), '"/"', '""'));
    return session.finish(command.tag, "OK", "LIST completed");
  }
  const all = await session.store.folders.list(session.user!.accountId);
  const matches = patternMatcher(reference, pattern);
  for (const mailbox of all) {
    if (!matches(mailbox.name)) continue;
    if (kind === "LSUB" && !mailbox.subscribed) continue;
    session.write(untagged(kind, wireList(attributes(mailbox, all, false)), '"/"', wireName(session, mailbox.name)));
  }
  await session.finish(command.tag, "OK", `${kind} completed`);
}

export const list = (session: ImapSession, command: ImapCommand) => listing(session, command, "LIST");
export const lsub = (session: ImapSession, command: ImapCommand) => listing(session, command, "LSUB");

export async function status(session: ImapSession, command: ImapCommand) {
  const name = mailboxName(session, command.args[0]);
  const items = asList(command.args[1]).map((token) => asAtom(token).toUpperCase());
  if (!items.length) throw new ImapSyntaxError("STATUS needs at least one item");
  const mailbox = await session.store.folders.get(session.user!.accountId, name);
  if (!mailbox) throw new ImapError("NO", "No such mailbox", "NONEXISTENT");
  const values: Record<string, string> = {
    MESSAGES: String(mailbox.messageCount),
    // The selected mailbox's recent messages are this session's (RFC 3501 §7.2.4); elsewhere, those nobody has seen.
    RECENT: !items.includes("RECENT")
      ? "0"
      : session.selected?.mailboxId === mailbox.id
        ? String(session.selected.recent.size)
        : String(await session.store.folders.recentCount(mailbox.id)),
    UIDNEXT: String(mailbox.uidNext),
    UIDVALIDITY: String(mailbox.uidValidity),
    UNSEEN: String(mailbox.unseenCount),
    SIZE: String(mailbox.totalBytes),
    HIGHESTMODSEQ: String(mailbox.highestModSeq),
  };
  if (items.includes("HIGHESTMODSEQ")) session.enableCondstore();
  const out: string[] = [];
  for (const item of items) {
    if (!(item in values)) throw new ImapSyntaxError(`Unknown STATUS item ${item.slice(0, 30)}`);
    out.push(item, values[item]);
  }
  session.write(untagged("STATUS", wireName(session, mailbox.name), wireList(out)));
  await session.finish(command.tag, "OK", "STATUS completed");
}

export async function namespace(session: ImapSession, command: ImapCommand) {
  session.write(untagged("NAMESPACE", '(("" "/"))', "NIL", "NIL"));
  await session.finish(command.tag, "OK", "NAMESPACE completed");
}

