// Changes in the store as events, so that sessions on other connections (IMAP IDLE, POP3
// locks) learn of them. In one process this bus is enough; across nodes PostgreSQL
// LISTEN/NOTIFY will feed the same bus.
import { EventEmitter } from "node:events";

export type MailboxChange =
  | { kind: "append"; accountId: number; mailboxId: number; uids: number[]; modSeq: bigint }
  | { kind: "flags"; accountId: number; mailboxId: number; uids: number[]; modSeq: bigint }
  | { kind: "expunge"; accountId: number; mailboxId: number; uids: number[]; modSeq: bigint }
  | { kind: "mailboxes"; accountId: number };

/** An account that may no longer be used: its open IMAP and POP3 sessions end (net/account-guard.ts). */
export type AccountChange = { kind: "disabled" | "deleted"; accountId: number };

export class StoreEvents extends EventEmitter<{ change: [MailboxChange]; account: [AccountChange] }> {
  constructor() {
    super();
    // Every IMAP session listens; hundreds are normal.
    this.setMaxListeners(0);
  }
}
