// The IMAP sessions of everyone logged in to this web process: one connection per login session,
// reused by every request of that session, closed after IDLE_TIMEOUT_MS without a request or an open
// live-update stream, and at logout.
import "server-only";
import type { ImapFlow } from "imapflow";
import { imapEndpoint } from "./endpoint";
import { ImapSession } from "./session";

const IDLE_TIMEOUT_MS = 10 * 60_000;
const SWEEP_INTERVAL_MS = 30_000;

export interface SessionIdentity {
  sessionId: string;
  address: string;
  password: string;
}

export class ImapSessionPool {
  private readonly sessions = new Map<string, ImapSession>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly idleTimeoutMs = IDLE_TIMEOUT_MS) {}

  get size(): number {
    return this.sessions.size;
  }

  /** The session's IMAP connection holder, created on first use (it connects lazily). */
  get(identity: SessionIdentity, adopted?: ImapFlow): ImapSession {
    let session = this.sessions.get(identity.sessionId);
    if (!session) {
      session = new ImapSession(identity.sessionId, identity.address, { user: identity.address, pass: identity.password }, imapEndpoint(), adopted);
      this.sessions.set(identity.sessionId, session);
      this.startSweeping();
    } else if (adopted) {
      // Already had one (a double submit of the login form): keep it, drop the newcomer.
      adopted.logout().catch(() => adopted.close());
    }
    session.lastUsed = Date.now();
    return session;
  }

  async end(sessionId: string) {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.sessions.delete(sessionId);
    await session.close();
  }

  sweep(now = Date.now()) {
    for (const [id, session] of this.sessions) {
      if (!session.watching && now - session.lastUsed > this.idleTimeoutMs) void this.end(id);
    }
    if (this.sessions.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  private startSweeping() {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }
}

// One pool per process: Next.js may load this module more than once (route handlers and pages are
// bundled separately), and a second pool would mean a second connection per user.
const globalKey = Symbol.for("webmail.imapSessionPool");
type GlobalWithPool = typeof globalThis & { [globalKey]?: ImapSessionPool };

export function imapSessions(): ImapSessionPool {
  const holder = globalThis as GlobalWithPool;
  holder[globalKey] ??= new ImapSessionPool();
  return holder[globalKey];
}
