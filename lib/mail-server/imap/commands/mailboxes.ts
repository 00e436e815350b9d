// Mailbox commands (RFC 3501 §6.3): SELECT, EXAMINE, CREATE (with CREATE-SPECIAL-USE, RFC 6154
// §3), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST (LIST-EXTENDED, RFC 5258, and LIST-STATUS,
// RFC 5819), LSUB, STATUS (with RFC 9208's DELETED and DELETED-STORAGE); NAMESPACE (RFC 2342).
// Special-use roles (RFC 6154) and \HasChildren/\HasNoChildren (RFC 3348) come with every LIST.
import { StoreError, type MailboxInfo } from "../../store";
import { ASSIGNABLE_SPECIAL_USES } from "../../store/folders";
import { asAtom, asList, list as wireList, quoted, untagged, ImapSyntaxError, type ImapCommand, type ImapToken, type Part } from "../protocol";
import { SelectedMailbox } from "../selected";
import { ImapError, type ImapSession } from "../session";
import { listEntries, type ListOptions } from "./list-entries";
import { kibibytesUsed } from "./quota";
import { mailboxName, wireName } from "./util";
import { parseSelectParameters, resyncResponses } from "./qresync";

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
  const resync = command.args[1] ? parseSelectParameters(session, command.args[1]) : null;
  // A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1). [CLOSED] marks where the
  // old mailbox's responses end and the new one's begin (RFC 7162 §3.2.11).
  if (session.selected) {
    await session.select(null);
    session.write(untagged("OK", "[CLOSED] Previous mailbox closed"));
  }
  const opened = await SelectedMailbox.open(session.store, session.user!.accountId, name, readOnly).catch(asImapError);
  if (!opened) throw new ImapError("NO", "No such mailbox", "NONEXISTENT");
  const { selected, mailbox, firstUnseen, keywords } = opened;
  await session.select(selected);

  for (const response of selected.flagResponses(keywords, true)) session.write(response);
  session.write(untagged(String(selected.exists), "EXISTS"));
  session.write(untagged(String(selected.recent.size), "RECENT"));
  if (firstUnseen) session.write(untagged("OK", `[UNSEEN ${firstUnseen}] First unseen`));
  session.write(untagged("OK", `[UIDVALIDITY ${mailbox.uidValidity}] UIDs valid`));
  session.write(untagged("OK", `[UIDNEXT ${mailbox.uidNext}] Predicted next UID`));
  // RFC 7162 §3.1.2.1: with every SELECT of a mailbox that keeps MODSEQs.
  session.write(untagged("OK", `[HIGHESTMODSEQ ${mailbox.highestModSeq}] Highest`));
  // A different UIDVALIDITY means the client's cache is void: it gets a plain SELECT.
  if (resync && resync.uidValidity === mailbox.uidValidity) for (const response of await resyncResponses(session, selected, resync)) session.write(response);
  await session.finish(command.tag, "OK", `${readOnly ? "EXAMINE" : "SELECT"} completed`, readOnly ? "READ-ONLY" : "READ-WRITE");
}

export const select = (session: ImapSession, command: ImapCommand) => open(session, command, false);
export const examine = (session: ImapSession, command: ImapCommand) => open(session, command, true);

/**
 * CREATE's parameters (RFC 4466 §2.2): only USE (RFC 6154 §3). The store keeps one special
 * use per mailbox, so a USE list names at most one; what it can't keep is NO [USEATTR].
 */
function createSpecialUse(parameters: ImapToken | undefined): string {
  if (!parameters) return "";
  const items = asList(parameters);
  if (items.length !== 2 || asAtom(items[0]).toUpperCase() !== "USE") throw new ImapSyntaxError("CREATE takes a name and optionally (USE (attribute))");
  const uses = asList(items[1]).map((token) => {
    const use = asAtom(token);
    if (!use.startsWith("\\")) throw new ImapSyntaxError("Special-use attributes start with \\");
    return use;
  });
  if (!uses.length) return "";
  if (uses.length > 1) throw new ImapError("NO", "A mailbox can have only one special use", "USEATTR");
  const known = ASSIGNABLE_SPECIAL_USES.find((use) => use.toLowerCase() === uses[0].toLowerCase());
  if (!known) throw new ImapError("NO", `Special use ${uses[0].slice(0, 30)} is not supported`, "USEATTR");
  return known;
}

export async function create(session: ImapSession, command: ImapCommand) {
  if (command.args.length > 2) throw new ImapSyntaxError("CREATE takes a name and optionally (USE (attribute))");
  // A trailing delimiter only says the name will have children (RFC 3501 §6.3.3).
  const name = mailboxName(session, command.args[0]).replace(/\/+$/, "");
  const specialUse = createSpecialUse(command.args[1]);
  await session.store.folders.create(session.user!.accountId, name, specialUse).catch(asImapError);
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

/** Every pattern costs a pass over every name: bound how many and how long, together. */
const MAX_PATTERNS = 64;
const MAX_TOTAL_PATTERN_LENGTH = 4 * MAX_PATTERN_LENGTH;
/** More options than LIST has, even each given twice. */
const MAX_LIST_OPTIONS = 16;

interface ListRequest {
  options: ListOptions;
  reference: string;
  patterns: string[];
  /** STATUS data items to return with each mailbox (RFC 5819), or null. */
  status: string[] | null;
  /** Anything beyond RFC 3501's "LIST reference pattern". */
  extended: boolean;
}

function optionNames(token: ImapToken | undefined, what: string): string[] {
  const items = asList(token);
  if (items.length > MAX_LIST_OPTIONS) throw new ImapSyntaxError(`Too many LIST ${what} options`);
  return items.map((item) => asAtom(item).toUpperCase());
}

/**
 * LIST [(selection options)] reference (pattern | (pattern …)) [RETURN (return options)]
 * (RFC 5258 §6). Unknown options are BAD (§3), as is RECURSIVEMATCH with nothing to recurse on.
 */
function parseList(session: ImapSession, args: readonly ImapToken[]): ListRequest {
  const rest = [...args];
  const options: ListOptions = { subscribed: false, specialUse: false, recursiveMatch: false, returnSubscribed: false };
  let extended = false;
  let status: string[] | null = null;
  if (rest[0]?.type === "list") {
    extended = true;
    for (const option of optionNames(rest.shift(), "selection")) {
      if (option === "SUBSCRIBED") options.subscribed = options.returnSubscribed = true;
      else if (option === "SPECIAL-USE") options.specialUse = true;
      else if (option === "RECURSIVEMATCH") options.recursiveMatch = true;
      // Remote mailboxes (RFC 2193): there are none, so nothing more to list.
      else if (option !== "REMOTE") throw new ImapSyntaxError(`Unknown LIST selection option ${option.slice(0, 30)}`);
    }
    if (options.recursiveMatch && !options.subscribed && !options.specialUse) throw new ImapSyntaxError("RECURSIVEMATCH needs another selection option");
  }
  const reference = mailboxName(session, rest.shift());
  const patternToken = rest.shift();
  if (!patternToken) throw new ImapSyntaxError("LIST takes a reference and a pattern");
  const patternTokens = patternToken.type === "list" ? patternToken.items : [patternToken];
  if (patternToken.type === "list") extended = true;
  if (!patternTokens.length) throw new ImapSyntaxError("LIST needs at least one pattern");
  if (patternTokens.length > MAX_PATTERNS) throw new ImapSyntaxError(`At most ${MAX_PATTERNS} LIST patterns`, { code: "LIMIT" });
  const patterns = [...new Set(patternTokens.map((token) => mailboxName(session, token)))];
  if (patterns.reduce((sum, pattern) => sum + reference.length + pattern.length, 0) > MAX_TOTAL_PATTERN_LENGTH) throw new ImapSyntaxError("LIST patterns too long", { code: "LIMIT" });
  if (rest.length) {
    const keyword = rest.shift();
    if (keyword?.type !== "atom" || keyword.value.toUpperCase() !== "RETURN" || rest.length !== 1) throw new ImapSyntaxError("LIST takes RETURN (options) after the patterns");
    extended = true;
    const returned = asList(rest[0]);
    if (returned.length > MAX_LIST_OPTIONS) throw new ImapSyntaxError("Too many LIST return options");
    for (let i = 0; i < returned.length; i++) {
      const option = asAtom(returned[i]).toUpperCase();
      if (option === "SUBSCRIBED") options.returnSubscribed = true;
      else if (option === "STATUS") status = parseStatusItems(returned[++i]);
      // Both are in every LIST response already (RFC 5258 §4 and RFC 6154 §2 allow that).
      else if (option !== "CHILDREN" && option !== "SPECIAL-USE") throw new ImapSyntaxError(`Unknown LIST return option ${option.slice(0, 30)}`);
    }
  }
  return { options, reference, patterns, status, extended };
}

export async function list(session: ImapSession, command: ImapCommand) {
  const request = parseList(session, command.args);
  if (!request.extended && request.patterns.length === 1 && request.patterns[0] === "") {
    // The hierarchy delimiter and root (RFC 3501 §6.3.8); extended LIST treats "" as a name, as Dovecot does.
    session.write(untagged("LIST", wireList(["\\Noselect"]), '"/"', '""'));
    return session.finish(command.tag, "OK", "LIST completed");
  }
  const matchers = request.patterns.map((pattern) => patternMatcher(request.reference, pattern));
  const all = await session.store.folders.list(session.user!.accountId);
  for (const entry of listEntries(all, (name) => matchers.some((matches) => matches(name)), request.options)) {
    const parts: Part[] = [wireList(entry.attributes), '"/"', wireName(session, entry.name)];
    if (entry.childInfo.length) parts.push(Buffer.concat([Buffer.from('("CHILDINFO" '), wireList(entry.childInfo.map((criterion) => quoted(criterion))), Buffer.from(")")]));
    session.write(untagged("LIST", ...parts));
    // RFC 5819 §2: right after its LIST, and never for a name that isn't a selectable mailbox.
    if (request.status && entry.mailbox) session.write(await statusResponse(session, entry.mailbox, request.status));
  }
  await session.finish(command.tag, "OK", "LIST completed");
}

export async function lsub(session: ImapSession, command: ImapCommand) {
  if (command.args.length !== 2) throw new ImapSyntaxError("LSUB takes a reference and a pattern");
  const matches = patternMatcher(mailboxName(session, command.args[0]), mailboxName(session, command.args[1]));
  const all = await session.store.folders.list(session.user!.accountId);
  for (const entry of listEntries(all, matches, { subscribed: true, specialUse: false, recursiveMatch: false, returnSubscribed: false })) {
    session.write(untagged("LSUB", wireList(entry.attributes), '"/"', wireName(session, entry.name)));
  }
  await session.finish(command.tag, "OK", "LSUB completed");
}

/** STATUS data items: RFC 3501 §6.3.10, SIZE (RFC 8438), HIGHESTMODSEQ (RFC 7162), DELETED and DELETED-STORAGE (RFC 9208 §4.2). */
const STATUS_ITEMS = new Set(["MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "SIZE", "HIGHESTMODSEQ", "DELETED", "DELETED-STORAGE"]);

/** The items of a STATUS request, checked before anything is answered. */
export function parseStatusItems(token: ImapToken | undefined): string[] {
  const items = asList(token).map((item) => asAtom(item).toUpperCase());
  if (!items.length) throw new ImapSyntaxError("STATUS needs at least one item");
  if (items.length > STATUS_ITEMS.size * 2) throw new ImapSyntaxError("Too many STATUS items");
  for (const item of items) if (!STATUS_ITEMS.has(item)) throw new ImapSyntaxError(`Unknown STATUS item ${item.slice(0, 30)}`);
  return items;
}

/**
 * "* STATUS name (…)" for the STATUS command and for LIST RETURN (STATUS …) alike. The
 * selected mailbox is answered like any other (as Dovecot does), except that its recent
 * messages are this session's (RFC 3501 §7.2.4): elsewhere, those no session has seen.
 */
export async function statusResponse(session: ImapSession, mailbox: MailboxInfo, items: readonly string[]): Promise<Buffer> {
  if (items.includes("HIGHESTMODSEQ")) session.enableCondstore();
  const deleted = items.includes("DELETED") || items.includes("DELETED-STORAGE") ? await session.store.folders.deletedUsage(mailbox.id) : null;
  const recent = !items.includes("RECENT")
    ? 0
    : session.selected?.mailboxId === mailbox.id
      ? session.selected.recent.size
      : await session.store.folders.recentCount(mailbox.id);
  const values: Record<string, string> = {
    MESSAGES: String(mailbox.messageCount),
    RECENT: String(recent),
    UIDNEXT: String(mailbox.uidNext),
    UIDVALIDITY: String(mailbox.uidValidity),
    UNSEEN: String(mailbox.unseenCount),
    SIZE: String(mailbox.totalBytes),
    HIGHESTMODSEQ: String(mailbox.highestModSeq),
    DELETED: String(deleted?.messages ?? 0),
    // In the units of the STORAGE quota resource it gives back (RFC 9208 §5.1: 1024 octets).
    "DELETED-STORAGE": String(kibibytesUsed(deleted?.bytes ?? 0)),
  };
  return untagged("STATUS", wireName(session, mailbox.name), wireList(items.flatMap((item) => [item, values[item]])));
}

export async function status(session: ImapSession, command: ImapCommand) {
  if (command.args.length !== 2) throw new ImapSyntaxError("STATUS takes a mailbox name and a list of items");
  const name = mailboxName(session, command.args[0]);
  const items = parseStatusItems(command.args[1]);
  const mailbox = await session.store.folders.get(session.user!.accountId, name);
  if (!mailbox) throw new ImapError("NO", "No such mailbox", "NONEXISTENT");
  session.write(await statusResponse(session, mailbox, items));
  await session.finish(command.tag, "OK", "STATUS completed");
}

export async function namespace(session: ImapSession, command: ImapCommand) {
  session.write(untagged("NAMESPACE", '(("" "/"))', "NIL", "NIL"));
  await session.finish(command.tag, "OK", "NAMESPACE completed");
}

