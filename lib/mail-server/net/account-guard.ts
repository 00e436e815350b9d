// Ends the open IMAP, POP3 and SMTP sessions of accounts that were disabled or deleted. Logins are
// refused at once (store/accounts.ts authenticate); a connection that signed in before stays signed in
// until something ends it. A change made in this process (the management API) ends them at once
// through the store's events; one made elsewhere (mailctl, another node) is found by a periodic
// look at the database, so within `intervalMs`.
import type { MailStore } from "../store";
import { placeholders } from "../store/sql";
import type { Listener, Session } from "./listener";

export const ACCOUNT_CHECK_INTERVAL_MS = 30_000;
const REASON = "Account disabled or removed by the administrator";

export class AccountGuard {
  private readonly timer: NodeJS.Timeout;
  private checking = false;
  private readonly onAccount = ({ accountId }: { accountId: number }) => this.end(this.sessions().filter((s) => s.signedInAccountId() === accountId));

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

  private end(sessions: Session[]) {
    for (const session of sessions) session.shutdown(REASON);
  }

  /** Ends the sessions whose account is no longer enabled in the database. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const signedIn = this.sessions().filter((s) => s.signedInAccountId() !== null);
      const ids = [...new Set(signedIn.map((s) => s.signedInAccountId()!))];
      if (!ids.length) return;
      const enabled = await this.store.sql.query<{ id: number }>(`SELECT "id" FROM "Account" WHERE "disabled" = ? AND "id" IN (${placeholders(ids.length)})`, [false, ...ids]);
      const allowed = new Set(enabled.map((row) => Number(row.id)));
      this.end(signedIn.filter((s) => !allowed.has(s.signedInAccountId()!)));
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
