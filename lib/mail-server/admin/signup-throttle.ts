// Open sign-up's limit per client address: a few new accounts per hour from one place, so a script
// cannot fill the server with accounts (the webmail's proof of work makes each try cost it time too).
// IPv6 clients are counted per /64, the block one customer usually gets, or they could take a new
// address for every sign-up.
import { isIPv6 } from "node:net";

export interface SignupThrottleOptions {
  perWindow: number;
  windowMs: number;
  /** Addresses remembered at most; the oldest go first. */
  maxTracked: number;
  now: () => number;
}

export const DEFAULT_SIGNUP_THROTTLE: SignupThrottleOptions = { perWindow: 3, windowMs: 3_600_000, maxTracked: 100_000, now: Date.now };

/** The key a client address is counted under. */
export function throttleKey(address: string): string {
  if (!isIPv6(address)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  const [head, tail = ""] = address.toLowerCase().split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill("0"), ...tailGroups];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

export class SignupThrottle {
  private readonly signups = new Map<string, number[]>();

  constructor(private readonly options: SignupThrottleOptions = DEFAULT_SIGNUP_THROTTLE) {}

  /**
   * Counts a sign-up from this address now, or says how long it must wait. The check and the count are
   * one synchronous step, so parallel requests cannot all pass the check before any is counted; `undo`
   * takes the count back when the account could not be created after all.
   */
  take(address: string): { ok: true; undo: () => void } | { ok: false; waitMs: number } {
    const key = throttleKey(address);
    const times = this.recent(key);
    if (times.length >= this.options.perWindow) return { ok: false, waitMs: times[0] + this.options.windowMs - this.options.now() };
    const time = this.options.now();
    times.push(time);
    this.signups.delete(key);
    this.signups.set(key, times);
    if (this.signups.size > this.options.maxTracked) this.signups.delete(this.signups.keys().next().value!);
    return {
      ok: true,
      undo: () => {
        const kept = this.signups.get(key);
        const index = kept ? kept.lastIndexOf(time) : -1;
        if (kept && index >= 0) kept.splice(index, 1);
      },
    };
  }

  private recent(key: string): number[] {
    const since = this.options.now() - this.options.windowMs;
    return (this.signups.get(key) ?? []).filter((time) => time > since);
  }
}
