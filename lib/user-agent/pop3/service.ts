// Runs the fetches of this web process: every POP3_FETCH_INTERVAL for each account that is due, and
// at once on "check now". One fetch per account at a time: within the process a second request joins
// the running fetch; across web processes a lease on the row (lockedUntil) keeps a second one out.
import "server-only";
import { loadConfig, type Config } from "@/lib/config";
import type { Prisma } from "@/lib/db";
import { imapEndpoint } from "@/lib/user-agent/imap/endpoint";
import { webmailDatabase } from "@/lib/user-agent/webmail-database";
import { getServerKeys } from "@/lib/web/server-secret";
import type { ExternalPop3Account } from "./accounts";
import { fetchAccount, imapTarget, type FetchProgress, type FetchResult, type OpenTarget } from "./fetch";

/** A whole run gives up after this; the rest is fetched at the next one. */
export const FETCH_DEADLINE_MS = 10 * 60_000;
const IDLE_TIMEOUT_MS = 60_000;
/** Longer than a run can take, so a lease outlives only a crashed process. */
const LEASE_MS = FETCH_DEADLINE_MS + 2 * IDLE_TIMEOUT_MS;
/** How often the scheduler looks for due accounts (at most the interval itself). */
const TICK_MS = 60_000;

export interface FetchServiceOptions {
  database: () => Promise<Prisma>;
  key: Buffer;
  config: Config;
  openTarget: OpenTarget;
}

export class FetchService {
  private readonly running = new Map<number, Promise<FetchResult | null>>();
  private readonly progress = new Map<number, FetchProgress>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(private readonly options: FetchServiceOptions) {}

  database(): Promise<Prisma> {
    return this.options.database();
  }

  get key(): Buffer {
    return this.options.key;
  }

  /** Where a running fetch of the account is, or null when none runs in this process. */
  progressOf(id: number): FetchProgress | null {
    return this.running.has(id) ? (this.progress.get(id) ?? { done: 0, total: 0 }) : null;
  }

  /** Fetches the account now, or joins the fetch already running; null when another process holds it. */
  check(id: number): Promise<FetchResult | null> {
    let run = this.running.get(id);
    if (!run) {
      run = this.fetch(id).finally(() => {
        this.running.delete(id);
        this.progress.delete(id);
      });
      this.running.set(id, run);
    }
    return run;
  }

  private async fetch(id: number): Promise<FetchResult | null> {
    const prisma = await this.database();
    const now = new Date();
    const { count } = await prisma.externalPop3Account.updateMany({
      where: { id, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
      data: { lockedUntil: new Date(now.getTime() + LEASE_MS) },
    });
    if (count === 0) return null;
    try {
      const account = await prisma.externalPop3Account.findUnique({ where: { id } });
      if (!account) return null;
      return await fetchAccount(prisma, account, {
        key: this.options.key,
        maxMessageSize: this.options.config.maxMessageSize,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
        deadline: Date.now() + FETCH_DEADLINE_MS,
        openTarget: this.options.openTarget,
        onProgress: (progress) => this.progress.set(id, progress),
      });
    } finally {
      await prisma.externalPop3Account.updateMany({ where: { id }, data: { lockedUntil: null } });
    }
  }

  /**
   * The accounts whose last run (or, never run, whose creation) is an interval ago or more, oldest first.
   * A new account waits like any other: its first fetch is the user's "check now" or an interval later.
   */
  private async due(): Promise<ExternalPop3Account[]> {
    const prisma = await this.database();
    const before = new Date(Date.now() - this.options.config.pop3FetchInterval);
    return prisma.externalPop3Account.findMany({
      where: { OR: [{ lastRunAt: null, createdAt: { lte: before } }, { lastRunAt: { lte: before } }] },
      orderBy: { lastRunAt: { sort: "asc", nulls: "first" } },
    });
  }

  /** One account after the other: a web process fetches at most one account at a time in the background. */
  private tick() {
    this.ticking ??= (async () => {
      try {
        for (const account of await this.due()) {
          if (!this.timer) break;
          await this.check(account.id);
        }
      } catch (error) {
        console.error(`webmail: POP3 fetching failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.ticking = null;
      }
    })();
  }

  /** Starts the schedule (once); returns POP3_FETCH_INTERVAL in milliseconds. */
  start(): number {
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), Math.min(TICK_MS, this.options.config.pop3FetchInterval));
      this.timer.unref();
      this.tick();
    }
    return this.options.config.pop3FetchInterval;
  }

  /** Stops the schedule; resolves when the account being fetched (if any) is done. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }
}

// One service per process: Next.js may load this module more than once (route handlers and the
// instrumentation hook are bundled separately), and two schedulers would fetch twice.
const globalKey = Symbol.for("webmail.pop3FetchService");
type GlobalWithService = typeof globalThis & { [globalKey]?: FetchService };

export function fetchService(): FetchService {
  const holder = globalThis as GlobalWithService;
  if (!holder[globalKey]) {
    const config = loadConfig();
    holder[globalKey] = new FetchService({
      database: () => webmailDatabase(config),
      key: getServerKeys().passwordSealKey,
      config,
      openTarget: imapTarget(imapEndpoint(config)),
    });
  }
  return holder[globalKey];
}
