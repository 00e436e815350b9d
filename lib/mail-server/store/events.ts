// Changes in the store as events, so that sessions on other connections (IMAP IDLE, POP3
// locks) learn of them. In one process this bus is enough; across nodes PostgreSQL
// LISTEN/NOTIFY will feed the same bus.
import { EventEmitter } from "node:events";

export type MailboxChange =
  | { kind: "append"; accountId: number; mailboxId: number; uids: number[]; modSeq: bigint }
  | { kind: "flags"; accountId: number; mailboxId: number; uids: number[]; modSeq: bigint }
  | { kind: "expunge"; accountId: number; mailboxId: number; uids: number[]; modSeq: bigint }
  | { kind: "mailboxes"; accountId: number };

/**
 * An account that may no longer be used, or whose password changed: its open IMAP, POP3 and SMTP
 * sessions end (net/account-guard.ts), so a password reset after a break-in locks the intruder out.
 */
export type AccountChange = { kind: "disabled" | "deleted" | "password"; accountId: number };

export class StoreEvents extends EventEmitter<{ change: [MailboxChange]; account: [AccountChange] }> {
  constructor() {
    super();
    // Every IMAP session listens; hundreds are normal.
    this.setMaxListeners(0);
  }
}
