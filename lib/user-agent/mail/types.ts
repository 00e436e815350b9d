// The JSON shapes the mail API routes send to the browser. Shared by server and client code, so it
// holds types only.

export type SpecialUse = "inbox" | "drafts" | "sent" | "archive" | "junk" | "trash" | "all" | "flagged" | null;

export interface FolderSummary {
  path: string;
  name: string;
  /** Parent folder's path, "" at the top level. */
  parentPath: string;
  depth: number;
  specialUse: SpecialUse;
  messages: number | null;
  unseen: number | null;
  /** \Noselect: a folder that only holds other folders. */
  selectable: boolean;
}

export interface Address {
  name: string;
  address: string;
}

export interface MessageSummary {
  uid: number;
  from: Address | null;
  subject: string;
  /** ISO 8601; the browser formats it in the user's time zone. */
  date: string | null;
  size: number;
  seen: boolean;
  flagged: boolean;
  answered: boolean;
  hasAttachments: boolean;
  /** The first words of the text, for the list. */
  snippet: string;
}

export type SortOrder = "date-desc" | "date-asc" | "arrival-desc" | "from-asc" | "from-desc" | "subject-asc" | "subject-desc" | "size-desc" | "size-asc";

export interface MessagePage {
  folder: string;
  uidValidity: string;
  total: number;
  offset: number;
  messages: MessageSummary[];
  /** False when the server lacks SORT and the list is in arrival order instead. */
  serverSorted: boolean;
  /** The folder's UIDNEXT when the list was read: "all" of this list means the messages below it. */
  uidNext: number;
}

/** A conversation in the list: its newest message stands for it. */
export interface ThreadSummary {
  /** The thread's UIDs in this folder, ascending. */
  uids: number[];
  count: number;
  latest: MessageSummary;
  /** Senders' names, oldest first, at most four. */
  participants: string[];
  unread: number;
  flagged: boolean;
}

export interface ThreadPage {
  folder: string;
  uidValidity: string;
  /** Number of threads in the folder. */
  total: number;
  offset: number;
  threads: ThreadSummary[];
  /** False when the server lacks THREAD and every message is its own thread. */
  serverThreaded: boolean;
}

/** A message of an opened thread, from the folder or from Sent. */
export interface ThreadMessage extends MessageSummary {
  folder: string;
}

export interface AttachmentInfo {
  part: string;
  filename: string;
  contentType: string;
  /** Decoded size, estimated from the encoded size for base64. */
  size: number;
}

export interface MessageView {
  folder: string;
  uid: number;
  subject: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  replyTo: Address[];
  date: string | null;
  flags: string[];
  /** A complete HTML document for the sandboxed frame (sanitised, with its own CSP). */
  document: string;
  format: "html" | "text" | "none";
  /** Remote images or styles left out; "show images" asks again with them allowed. */
  remoteContentBlocked: boolean;
  remoteContentAllowed: boolean;
  /** The sender is on the reader's "always show images" list. */
  senderTrusted: boolean;
  attachments: AttachmentInfo[];
  /** "report": a delivery report (RFC 3464), shown read for people; "sent": the user's own message, whose reports may be asked for. */
  delivery?: "report" | "sent" | null;
}

export type MailboxChangeEvent =
  | { type: "exists"; folder: string; count: number }
  | { type: "expunge"; folder: string; uid: number | null }
  | { type: "flags"; folder: string; uid: number | null; flags: string[] }
  | { type: "resync"; folder: string };
