// Slows password guessing through the webmail. Each account and each client address gets a few
// free failures; past those, every further failure doubles the wait before the next attempt is even
// tried against the mail server. Per account stops guessing one password from many addresses; per
// address stops one client from trying many accounts. Records fade after `forgetAfterMs` of quiet.
import "server-only";

export interface LoginThrottleOptions {
  freeFailuresPerAccount: number;
  freeFailuresPerAddress: number;
  baseDelayMs: number;
  maxDelayMs: number;
  forgetAfterMs: number;
  /** Keys remembered at most per kind; the least recently failing go first. */
  maxTracked: number;
  now: () => number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  freeFailuresPerAccount: 5,
  freeFailuresPerAddress: 20,
  baseDelayMs: 30_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  maxTracked: 50_000,
  now: Date.now,
};

interface FailureRecord {
  failures: number;
  lastFailure: number;
  blockedUntil: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number; reason: "account" | "address" };

class FailureTable {
  private readonly records = new Map<string, FailureRecord>();

  constructor(
    private readonly freeFailures: number,
    private readonly options: LoginThrottleOptions,
  ) {}

  private live(key: string, now: number): FailureRecord | undefined {
    const record = this.records.get(key);
    if (record && now - record.lastFailure > this.options.forgetAfterMs) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }

  waitMs(key: string, now: number): number {
    const record = this.live(key, now);
    return record ? Math.max(0, record.blockedUntil - now) : 0;
  }

  fail(key: string, now: number) {
    const record = this.live(key, now) ?? { failures: 0, lastFailure: now, blockedUntil: 0 };
    record.failures += 1;
    record.lastFailure = now;
    const over = record.failures - this.freeFailures;
    if (over > 0) {
      record.blockedUntil = now + Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(over - 1, 30));
    }
    // Re-inserted so that Map order is least recently failing first, for eviction.
    this.records.delete(key);
    this.records.set(key, record);
    while (this.records.size > this.options.maxTracked) {
      const oldest = this.records.keys().next().value;
      if (oldest === undefined) break;
      this.records.delete(oldest);
    }
  }

  forget(key: string) {
    this.records.delete(key);
  }
}

export class LoginThrottle {
  private readonly accounts: FailureTable;
  private readonly addresses: FailureTable;

  constructor(private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE) {
    this.accounts = new FailureTable(options.freeFailuresPerAccount, options);
    this.addresses = new FailureTable(options.freeFailuresPerAddress, options);
  }

  check(account: string, address: string): ThrottleVerdict {
    const now = this.options.now();
    const byAccount = this.accounts.waitMs(account.toLowerCase(), now);
    const byAddress = this.addresses.waitMs(address, now);
    if (byAccount === 0 && byAddress === 0) return { allowed: true };
    return byAccount >= byAddress ? { allowed: false, retryAfterMs: byAccount, reason: "account" } : { allowed: false, retryAfterMs: byAddress, reason: "address" };
  }

  recordFailure(account: string, address: string) {
    const now = this.options.now();
    this.accounts.fail(account.toLowerCase(), now);
    this.addresses.fail(address, now);
  }

  /**
   * The account's record goes (whoever knows the password is no guesser); the address's stays, or a
   * guesser with one account of its own could wipe its record between guesses.
   */
  recordSuccess(account: string) {
    this.accounts.forget(account.toLowerCase());
  }
}

/** "30 seconds", "2 minutes" in the reader's language ("30秒钟", "2分钟"). */
export function describeWait(ms: number, locale = "en"): string {
  const seconds = Math.ceil(ms / 1000);
  const [amount, unit] = seconds < 60 ? [seconds, "second"] : [Math.ceil(seconds / 60), "minute"];
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(amount);
}
