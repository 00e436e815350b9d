// Which names LIST answers with and their attributes (RFC 5258 §3, RFC 6154 §3), as a pure
// function of the account's mailboxes: no session, no store, so it is tested on its own.

/** What LIST (RFC 5258 selection options) selects and what it returns. */
export interface ListOptions {
  /** SUBSCRIBED: subscribed names only. */
  subscribed: boolean;
  /** SPECIAL-USE (RFC 6154 §3): mailboxes with a special use only. */
  specialUse: boolean;
  /** RECURSIVEMATCH: also matching names with a selected descendant, with CHILDINFO. */
  recursiveMatch: boolean;
  /** The \Subscribed attribute (RETURN (SUBSCRIBED), implied by the SUBSCRIBED selection). */
  returnSubscribed: boolean;
}

/** The mailbox facts LIST needs; the store's MailboxInfo has them. */
export interface ListableMailbox {
  name: string;
  specialUse: string;
  subscribed: boolean;
}

export interface ListEntry<M extends ListableMailbox> {
  name: string;
  /** null for a name listed only as the parent of a selected mailbox (\NonExistent). */
  mailbox: M | null;
  attributes: string[];
  /** The CHILDINFO extended data item (RFC 5258 §3.5): the criteria a descendant met. */
  childInfo: string[];
}

function parentsOf(name: string): string[] {
  const parts = name.split("/");
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join("/"));
}

/**
 * The LIST answer as data, in name order (RFC 5258 §3): the names that match and meet the
 * selection criteria, and with RECURSIVEMATCH also the matching names that don't but have a
 * descendant that does. A name with no mailbox behind it is \NonExistent.
 */
export function listEntries<M extends ListableMailbox>(mailboxes: readonly M[], matches: (name: string) => boolean, options: ListOptions): ListEntry<M>[] {
  const filtering = options.subscribed || options.specialUse;
  const meetsCriteria = (mailbox: M) => (!options.subscribed || mailbox.subscribed) && (!options.specialUse || mailbox.specialUse !== "");
  const byName = new Map(mailboxes.map((mailbox) => [mailbox.name, mailbox]));
  const withChildren = new Set(mailboxes.flatMap((mailbox) => parentsOf(mailbox.name)));
  const selected = filtering ? mailboxes.filter(meetsCriteria) : mailboxes;
  const withSelectedChildren = new Set(options.recursiveMatch ? selected.flatMap((mailbox) => parentsOf(mailbox.name)) : []);
  const criteria = [...(options.subscribed ? ["SUBSCRIBED"] : []), ...(options.specialUse ? ["SPECIAL-USE"] : [])];
  const names = [...new Set([...selected.map((mailbox) => mailbox.name), ...withSelectedChildren])].sort();

  const entries: ListEntry<M>[] = [];
  for (const name of names) {
    if (!matches(name)) continue;
    const mailbox = byName.get(name) ?? null;
    const attributes: string[] = [];
    if (!mailbox) attributes.push("\\NonExistent");
    attributes.push(withChildren.has(name) ? "\\HasChildren" : "\\HasNoChildren");
    if (mailbox?.specialUse) attributes.push(mailbox.specialUse);
    if (options.returnSubscribed && mailbox?.subscribed) attributes.push("\\Subscribed");
    entries.push({ name, mailbox, attributes, childInfo: withSelectedChildren.has(name) ? criteria : [] });
  }
  return entries;
}
