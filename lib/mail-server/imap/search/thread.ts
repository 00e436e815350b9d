// THREAD's two algorithms (RFC 5256 §3): ORDEREDSUBJECT and REFERENCES, and the thread-list
// response syntax. Pure. Every walk over a tree is a loop with its own stack, never recursion:
// one long conversation makes a chain as deep as it is long, and a hostile mailbox can make
// one as deep as the mailbox.
import { baseSubject } from "./base-subject";
import { asciiCasemap } from "./sort";

export interface ThreadMessage {
  /** What the response names the message by: its sequence number or UID. */
  number: number;
  /** Sequence number: the tie-break after the sent date. */
  seq: number;
  /** Sent date in ms (the INTERNALDATE where the Date header is missing, RFC 5256 §2.2). */
  date: number;
  subject: string;
  /** The headers as written; unparseable ones count as absent. */
  messageId: string;
  inReplyTo: string;
  references: string;
}

/** A node of the thread tree: a message, or a dummy (item null) standing for a missing one. */
export interface ThreadNode {
  item: ThreadMessage | null;
  children: ThreadNode[];
}

interface Container extends ThreadNode {
  children: Container[];
  parent: Container | null;
}

const newContainer = (item: ThreadMessage | null): Container => ({ item, children: [], parent: null });

/** The first message of a node: itself, or for a dummy its first child (RFC 5256 §3 steps 4 to 6). */
function representative(node: ThreadNode): ThreadMessage {
  let current = node;
  while (!current.item) current = current.children[0];
  return current.item;
}

function byDate(a: ThreadNode, b: ThreadNode): number {
  const x = representative(a);
  const y = representative(b);
  return x.date - y.date || x.seq - y.seq;
}

/** Every node under the roots, parents before children. */
function breadthFirst<T extends ThreadNode>(roots: readonly T[]): T[] {
  const order: T[] = [...roots];
  // push one by one: a dummy may have a mailbox worth of children, too many to spread.
  for (let i = 0; i < order.length; i++) for (const child of order[i].children) order.push(child as T);
  return order;
}

/** RFC 5256 step 6: siblings by sent date, the deepest first so a dummy's first child is known. */
function sortByDate<T extends ThreadNode>(roots: T[]): T[] {
  const order = breadthFirst(roots);
  for (let i = order.length - 1; i >= 0; i--) if (order[i].children.length > 1) order[i].children.sort(byDate);
  return roots.sort(byDate);
}

const subjectKey = (subject: string) => asciiCasemap(baseSubject(subject).base);

/**
 * ORDEREDSUBJECT: messages grouped by base subject; in each group the oldest is the parent of
 * all the others, which are siblings; the groups in order of their first message's date.
 */
export function orderedSubject(messages: readonly ThreadMessage[]): ThreadNode[] {
  const keyed = messages.map((item) => ({ item, key: subjectKey(item.subject) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.item.date - b.item.date || a.item.seq - b.item.seq));
  const threads: ThreadNode[] = [];
  let current: ThreadNode | null = null;
  let currentKey = "";
  for (const { item, key } of keyed) {
    if (current && key === currentKey) current.children.push({ item, children: [] });
    else {
      current = { item, children: [] };
      currentKey = key;
      threads.push(current);
    }
  }
  return threads.sort(byDate);
}

/** Longest Message-ID kept; longer ones are no real message's. */
const MAX_ID_LENGTH = 998;

/** The msg-ids of a header, "<left@right>" with whitespace inside dropped; the rest is ignored. */
export function messageIds(header: string): string[] {
  const ids: string[] = [];
  for (const match of header.matchAll(/<([^<>]*)>/g)) {
    const id = match[1].replace(/\s+/g, "");
    const at = id.indexOf("@");
    if (at > 0 && at < id.length - 1 && id.length <= MAX_ID_LENGTH) ids.push(id);
  }
  return ids;
}

/** Whether making parent the parent of child would close a loop: child is parent or above it. */
function wouldLoop(parent: Container, child: Container): boolean {
  if (parent === child) return true;
  // A node without children is nobody's ancestor: the common case costs no walk.
  if (!child.children.length) return false;
  for (let node: Container | null = parent.parent; node; node = node.parent) if (node === child) return true;
  return false;
}

function link(parent: Container, child: Container) {
  child.parent = parent;
  parent.children.push(child);
}

function unlink(child: Container) {
  const parent = child.parent;
  if (!parent) return;
  parent.children.splice(parent.children.indexOf(child), 1);
  child.parent = null;
}

/**
 * RFC 5256 step 3: dummies go. One without children is dropped; one with children gives them
 * to its parent, except that at the top a dummy with several children stays (promoting them
 * would make unrelated threads of one conversation).
 */
function pruneDummies(roots: Container[]): Container[] {
  const prune = (children: Container[], atTop: boolean, parent: Container | null): Container[] => {
    const kept: Container[] = [];
    for (const child of children) {
      if (child.item || (atTop && child.children.length > 1)) kept.push(child);
      else
        for (const grandchild of child.children) {
          grandchild.parent = parent;
          kept.push(grandchild);
        }
    }
    return kept;
  };
  const order = breadthFirst(roots);
  // Children before parents: what a dummy hands up is already free of dummies.
  for (let i = order.length - 1; i >= 0; i--) order[i].children = prune(order[i].children, false, order[i]);
  return prune(roots, true, null);
}

/** RFC 5256 step 5: top-level threads with the same base subject are put together. */
function mergeBySubject(roots: Container[]): Container[] {
  const info = new Map<Container, { key: string; reply: boolean }>();
  const table = new Map<string, Container>();
  for (const root of roots) {
    const { base, replyOrForward } = baseSubject(representative(root).subject);
    if (!base) continue;
    const key = asciiCasemap(base);
    info.set(root, { key, reply: replyOrForward });
    const held = table.get(key);
    if (!held || (!root.item && held.item) || (info.get(held)!.reply && !replyOrForward)) table.set(key, root);
  }
  const removed = new Set<Container>();
  const added: Container[] = [];
  for (const root of roots) {
    const mine = info.get(root);
    if (!mine) continue;
    const held = table.get(mine.key)!;
    if (held === root) continue;
    removed.add(root);
    if (!held.item && !root.item) {
      for (const child of root.children) link(held, child);
    } else if (!held.item || (mine.reply && !info.get(held)!.reply)) {
      link(held, root);
    } else {
      const dummy = newContainer(null);
      info.set(dummy, { key: mine.key, reply: false });
      removed.add(held);
      link(dummy, held);
      link(dummy, root);
      table.set(mine.key, dummy);
      added.push(dummy);
    }
  }
  return [...roots.filter((root) => !removed.has(root)), ...added];
}

/** REFERENCES (RFC 5256 §3): threads from Message-ID, References and In-Reply-To, then by subject. */
export function referencesThreads(messages: readonly ThreadMessage[]): ThreadNode[] {
  const byId = new Map<string, Container>();
  const all: Container[] = [];
  const own = messages.map((item) => {
    const container = newContainer(item);
    all.push(container);
    // A message without a valid Message-ID, or whose ID an earlier message has, gets a unique one: no entry.
    const [id] = messageIds(item.messageId);
    if (id !== undefined && !byId.has(id)) byId.set(id, container);
    return container;
  });
  const containerOf = (id: string) => {
    let container = byId.get(id);
    if (!container) {
      container = newContainer(null);
      byId.set(id, container);
      all.push(container);
    }
    return container;
  };
  messages.forEach((item, i) => {
    let references = messageIds(item.references);
    if (!references.length) references = messageIds(item.inReplyTo).slice(0, 1);
    // Step 1A: each reference the parent of the next, unless that one has a parent already.
    for (let r = 0; r + 1 < references.length; r++) {
      const parent = containerOf(references[r]);
      const child = containerOf(references[r + 1]);
      if (!child.parent && !wouldLoop(parent, child)) link(parent, child);
    }
    // Step 1B: the last reference is the parent of the message itself, whatever 1A said.
    const current = own[i];
    const parent = references.length ? containerOf(references[references.length - 1]) : null;
    if (current.parent === parent) return;
    unlink(current);
    if (parent && !wouldLoop(parent, current)) link(parent, current);
  });
  let roots = all.filter((container) => !container.parent);
  roots = pruneDummies(roots);
  // Step 4: the top level by date, which decides which thread the subject table keeps.
  sortByDate(roots);
  roots = mergeBySubject(roots);
  return sortByDate(roots);
}

/**
 * thread-list per RFC 5256 §4: "(1 2 (3)(4 5))". A chain of only children is one list of
 * numbers; a node with several children nests each in parentheses; a dummy prints nothing.
 */
export function formatThreads(roots: readonly ThreadNode[]): string {
  const out: string[] = [];
  const pending: (ThreadNode | string)[] = [...roots].reverse();
  while (pending.length) {
    const next = pending.pop()!;
    if (typeof next === "string") {
      out.push(next);
      continue;
    }
    out.push("(");
    let node = next;
    if (node.item) {
      out.push(String(node.item.number));
      while (node.children.length === 1) {
        node = node.children[0];
        out.push(" ", String(node.item!.number));
      }
      if (node.children.length) out.push(" ");
    }
    pending.push(")");
    for (let i = node.children.length - 1; i >= 0; i--) pending.push(node.children[i]);
  }
  return out.join("");
}
