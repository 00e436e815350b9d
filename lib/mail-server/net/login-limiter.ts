// Password guessing, slowed down: per connection and, across connections, per client address,
// shared by every protocol that takes a password (SMTP AUTH, IMAP LOGIN/AUTHENTICATE), so that
// a guesser gains nothing by opening more connections or switching protocols.
//
// Each failure from an address doubles the wait before its next answer (1 s, 2 s, 4 s … up to
// maxDelayMs), and attempts from that address are spaced by the same delay even when they come
// in parallel. An address whose turn is further away than maxWaitMs is refused at once without
// its password being checked, so waiting clients can't pile up. Failures are forgotten
// forgetAfterMs after the last one. Success doesn't wipe the record: a guesser with one
// account of its own could otherwise reset its penalty between guesses.
import { isLoopback } from "./sasl";

export interface LoginLimiterOptions {
  /** The wait after the first failure; each further one doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longer than this until the address's turn: refused without checking the password. */
  maxWaitMs: number;
  forgetAfterMs: number;
  /** Addresses remembered at most; the least recently failing are forgotten first. */
  maxTracked: number;
  /**
   * Addresses not limited across connections (still per connection): loopback by default,
   * because the webmail logs every one of its users in from there, and one user's typos
   * must not slow down everybody else's mail.
   */
  exempt(address: string): boolean;
}

interface AddressRecord {
  failures: number;
  lastFailure: number;
  /** When the next attempt from this address may be checked. */
  nextAttempt: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimiterOptions = {
  baseDelayMs: 1000,
  maxDelayMs: 15_000,
  maxWaitMs: 60_000,
  forgetAfterMs: 15 * 60_000,
  maxTracked: 10_000,
  exempt: isLoopback,
};

/**
 * What one guesser is: an IPv4 address, or an IPv6 /64 (one host commonly holds a whole /64
 * and can use a fresh address for every attempt).
 */
export function sourceOf(address: string): string {
  if (!address.includes(":")) return address;
  const [head, tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = address.includes("::") && tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

export class LoginLimiter {
  /** By sourceOf(address). */
  private readonly addresses = new Map<string, AddressRecord>();

  /** Mutable so that tests, which run the server in their own process, can shorten the delays. */
  constructor(public options: LoginLimiterOptions = { ...DEFAULT_LOGIN_LIMITS }) {}

  /** The wait after the nth failure (0 after none). */
  delayAfter(failures: number): number {
    if (failures <= 0) return 0;
    return Math.min(this.options.baseDelayMs * 2 ** Math.min(failures - 1, 30), this.options.maxDelayMs);
  }

  private record(source: string, now: number): AddressRecord | undefined {
    const record = this.addresses.get(source);
    if (record && now - record.lastFailure > this.options.forgetAfterMs) {
      this.addresses.delete(source);
      return undefined;
    }
    return record;
  }

  /**
   * Before a password from address is checked: waits for the address's turn. false means
   * refuse at once, without checking (the turn is more than maxWaitMs away).
   */
  async admit(address: string): Promise<boolean> {
    if (this.options.exempt(address)) return true;
    const now = Date.now();
    const record = this.record(sourceOf(address), now);
    if (!record) return true;
    const turn = Math.max(now, record.nextAttempt);
    if (turn - now > this.options.maxWaitMs) return false;
    record.nextAttempt = turn + this.delayAfter(record.failures);
    await sleep(turn - now);
    return true;
  }

  /**
   * After a wrong password: records it and waits before the failure is answered, by whichever
   * is more, this connection's failures or the address's.
   */
  async failed(address: string, failuresOnConnection: number): Promise<void> {
    let failures = failuresOnConnection;
    if (!this.options.exempt(address)) {
      const now = Date.now();
      const source = sourceOf(address);
      const record = this.record(source, now) ?? { failures: 0, lastFailure: now, nextAttempt: now };
      record.failures++;
      record.lastFailure = now;
      // Re-inserted so that the Map's order is least recently failing first.
      this.addresses.delete(source);
      this.addresses.set(source, record);
      while (this.addresses.size > this.options.maxTracked) this.addresses.delete(this.addresses.keys().next().value!);
      failures = Math.max(failures, record.failures);
    }
    await sleep(this.delayAfter(failures));
  }

  /** Failures remembered for address (tests, diagnostics). */
  failuresOf(address: string): number {
    return this.record(sourceOf(address), Date.now())?.failures ?? 0;
  }

  /** Forgets every address (tests). */
  reset() {
    this.addresses.clear();
  }
}

/** The one limiter of the process: SMTP and IMAP count failures from an address together. */
export const loginLimiter = new LoginLimiter();
