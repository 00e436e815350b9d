// Ends the open IMAP, POP3 and SMTP sessions of accounts that were disabled or deleted, or whose
// password changed. Logins are refused at once (store/accounts.ts authenticate); a connection that
// signed in before stays signed in until something ends it. A change made in this process (the
// management API) ends them at once through the store's events; one made elsewhere (mailctl,
// another node) is found by a periodic look at the database, so within `intervalMs`: the account
// disabled or gone, or its password hash not the one the previous look saw.
import type { AccountChange, MailStore } from "../store";
import { placeholders } from "../store/sql";
import type { Listener, Session } from "./listener";

export const ACCOUNT_CHECK_INTERVAL_MS = 30_000;
const REASONS: Record<AccountChange["kind"], string> = {
  disabled: "Account disabled or removed by the administrator",
  deleted: "Account disabled or removed by the administrator",
  password: "Password changed: sign in again with the new one",
};

export class AccountGuard {
  private readonly timer: NodeJS.Timeout;
  private checking = false;
  /** The password hash of each signed-in account at the last look. */
  private passwordHashes = new Map<number, string>();
  private readonly onAccount = ({ kind, accountId }: AccountChange) => {
    // Ended here already: the next look must not end the sessions signed in with the new password.
    this.passwordHashes.delete(accountId);
    this.end(
      this.sessions().filter((s) => s.signedInAccountId() === accountId),
      REASONS[kind],
    );
  };

  constructor(
    private readonly store: MailStore,
    private readonly listeners: Listener[],
    intervalMs = ACCOUNT_CHECK_INTERVAL_MS,
  ) {
    store.events.on("account", this.onAccount);
    this.timer = setInterval(() => void this.check(), intervalMs).unref();
  }

  private sessions(): Session[] {
    return this.listeners.flatMap((listener) => listener.openSessions);
  }

  private end(sessions: Session[], reason: string) {
    for (const session of sessions) session.shutdown(reason);
  }

  /**
   * Ends the sessions whose account is no longer enabled in the database, or whose password changed
   * since the last look (a session that signed in with the new one in between is ended too, once;
   * its client signs in again).
   */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const signedIn = this.sessions().filter((s) => s.signedInAccountId() !== null);
      const ids = [...new Set(signedIn.map((s) => s.signedInAccountId()!))];
      const rows = ids.length
        ? await this.store.sql.query<{ id: number; disabled: number | boolean; passwordHash: string }>(`SELECT "id", "disabled", "passwordHash" FROM "Account" WHERE "id" IN (${placeholders(ids.length)})`, ids)
        : [];
      const seen = new Map<number, string>();
      const unusable = new Set(ids);
      const passwordChanged = new Set<number>();
      for (const row of rows) {
        const id = Number(row.id);
        if (row.disabled) continue;
        unusable.delete(id);
        const before = this.passwordHashes.get(id);
        if (before !== undefined && before !== row.passwordHash) passwordChanged.add(id);
        seen.set(id, row.passwordHash);
      }
      this.passwordHashes = seen;
      this.end(
        signedIn.filter((s) => unusable.has(s.signedInAccountId()!)),
        REASONS.disabled,
      );
      this.end(
        signedIn.filter((s) => passwordChanged.has(s.signedInAccountId()!)),
        REASONS.password,
      );
    } catch (error) {
      console.error(`account check failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.checking = false;
    }
  }

  stop() {
    clearInterval(this.timer);
    this.store.events.off("account", this.onAccount);
  }
}
