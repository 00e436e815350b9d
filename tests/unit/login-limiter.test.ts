// lib/mail-server/net/login-limiter.ts: delays that grow per address across connections,
// attempts in parallel spaced out, refusal without a check past maxWaitMs, forgetting, and
// what counts as one source.
import { describe, expect, it } from "vitest";
import { DEFAULT_LOGIN_LIMITS, LoginLimiter, sourceOf } from "@/lib/mail-server/net/login-limiter";

const fast = (overrides: Partial<typeof DEFAULT_LOGIN_LIMITS> = {}) =>
  new LoginLimiter({ ...DEFAULT_LOGIN_LIMITS, baseDelayMs: 40, maxDelayMs: 160, maxWaitMs: 400, exempt: () => false, ...overrides });

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = Date.now();
  await work();
  return Date.now() - start;
}

describe("LoginLimiter", () => {
  it("doubles the delay with each failure from an address, whichever connection it comes on, up to the maximum", async () => {
    const limiter = fast();
    expect([1, 2, 3, 4, 5].map((n) => limiter.delayAfter(n))).toEqual([40, 80, 160, 160, 160]);
    // Three connections with one failure each: the address's count decides, not the connection's.
    expect(await timed(() => limiter.failed("192.0.2.7", 1))).toBeGreaterThanOrEqual(35);
    expect(await timed(() => limiter.failed("192.0.2.7", 1))).toBeGreaterThanOrEqual(75);
    expect(await timed(() => limiter.failed("192.0.2.7", 1))).toBeGreaterThanOrEqual(155);
    expect(limiter.failuresOf("192.0.2.7")).toBe(3);
    // Another address is not slowed down.
    expect(await timed(() => limiter.admit("192.0.2.8"))).toBeLessThan(20);
    expect(limiter.failuresOf("192.0.2.8")).toBe(0);
  });

  it("spaces out parallel attempts from a failing address, and refuses at once those whose turn is past maxWaitMs", async () => {
    const limiter = fast();
    for (let i = 0; i < 3; i++) await limiter.failed("192.0.2.9", 0);
    const start = Date.now();
    const results = await Promise.all(Array.from({ length: 5 }, async () => ({ admitted: await limiter.admit("192.0.2.9"), at: Date.now() - start })));
    const admitted = results.filter((r) => r.admitted).map((r) => r.at);
    const refused = results.filter((r) => !r.admitted).map((r) => r.at);
    // 160 ms apart: at 0, 160, 320; the fourth would wait 480 ms > 400.
    expect(admitted).toHaveLength(3);
    expect(admitted[2]).toBeGreaterThanOrEqual(300);
    expect(refused).toHaveLength(2);
    for (const at of refused) expect(at).toBeLessThan(50);
  });

  it("forgets an address's failures forgetAfterMs after the last one, and the oldest past maxTracked", async () => {
    const limiter = fast({ forgetAfterMs: 100, maxTracked: 2 });
    await limiter.failed("192.0.2.1", 0);
    expect(limiter.failuresOf("192.0.2.1")).toBe(1);
    await new Promise((r) => setTimeout(r, 120));
    expect(limiter.failuresOf("192.0.2.1")).toBe(0);

    await limiter.failed("192.0.2.2", 0);
    await limiter.failed("192.0.2.3", 0);
    await limiter.failed("192.0.2.4", 0);
    expect([limiter.failuresOf("192.0.2.2"), limiter.failuresOf("192.0.2.3"), limiter.failuresOf("192.0.2.4")]).toEqual([0, 1, 1]);
  });

  it("exempts loopback by default (the webmail logs everyone in from there) but still delays per connection", async () => {
    const limiter = new LoginLimiter({ ...DEFAULT_LOGIN_LIMITS, baseDelayMs: 30 });
    await limiter.failed("127.0.0.1", 0);
    expect(limiter.failuresOf("127.0.0.1")).toBe(0);
    expect(await timed(() => limiter.failed("::1", 2))).toBeGreaterThanOrEqual(55);
    expect(limiter.failuresOf("::1")).toBe(0);
  });

  it("counts an IPv6 /64 as one source", () => {
    expect(sourceOf("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(sourceOf("2001:0db8:0001:0002:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(sourceOf("2001:db8::7")).toBe("2001:db8:0:0::/64");
    expect(sourceOf("fe80::1")).toBe("fe80:0:0:0::/64");
    expect(sourceOf("203.0.113.5")).toBe("203.0.113.5");
  });
});
