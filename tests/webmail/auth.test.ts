import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
const { sealPassword, unsealPassword, sealContext } = await import("@/lib/web/password-seal");
const { LoginThrottle, describeWait } = await import("@/lib/web/login-throttle");
const { deriveServerKeys, SECRET_FILE_NAME } = await import("@/lib/web/server-secret");
const { clientAddress } = await import("@/lib/web/client-address");

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);

describe("password sealing", () => {
  const context = sealContext("session-1", "Ann@Example.org");

  it("round-trips, and the sealed form shows nothing of the password", () => {
    const sealed = sealPassword("correct horse battery staple ✓", key, context);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("horse");
    expect(unsealPassword(sealed, key, context)).toBe("correct horse battery staple ✓");
  });

  it("uses a fresh IV each time", () => {
    expect(sealPassword("pw", key, context)).not.toBe(sealPassword("pw", key, context));
  });

  it("refuses another key, another session or account, and any alteration", () => {
    const sealed = sealPassword("pw", key, context);
    expect(unsealPassword(sealed, otherKey, context)).toBeNull();
    expect(unsealPassword(sealed, key, sealContext("session-2", "ann@example.org"))).toBeNull();
    expect(unsealPassword(sealed, key, sealContext("session-1", "bob@example.org"))).toBeNull();
    const bytes = Buffer.from(sealed.slice(3), "base64url");
    bytes[bytes.length - 20] ^= 1;
    expect(unsealPassword(`v1.${bytes.toString("base64url")}`, key, context)).toBeNull();
    expect(unsealPassword("v2." + sealed.slice(3), key, context)).toBeNull();
    expect(unsealPassword("v1.", key, context)).toBeNull();
    expect(unsealPassword("garbage", key, context)).toBeNull();
  });

  it("rejects keys of the wrong length", () => {
    expect(() => sealPassword("pw", Buffer.alloc(16), context)).toThrow();
  });
});

describe("server secret", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "webmail-secret-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("derives distinct keys per purpose, stable for one secret", () => {
    const a = deriveServerKeys("s".repeat(40));
    const b = deriveServerKeys("s".repeat(40));
    const c = deriveServerKeys("t".repeat(40));
    expect(a.passwordSealKey.equals(b.passwordSealKey)).toBe(true);
    expect(a.passwordSealKey.equals(c.passwordSealKey)).toBe(false);
    expect(a.passwordSealKey.length).toBe(32);
    expect(Buffer.from(a.nextAuthSecret, "base64url").equals(a.passwordSealKey)).toBe(false);
  });

  it("without NEXTAUTH_SECRET, makes one secret file in DATA_DIR readable only by its owner, and keeps it", async () => {
    const saved = { secret: process.env.NEXTAUTH_SECRET, dataDir: process.env.DATA_DIR };
    delete process.env.NEXTAUTH_SECRET;
    process.env.DATA_DIR = dir;
    try {
      vi.resetModules();
      const first = (await import("@/lib/web/server-secret")).getServerKeys();
      const file = path.join(dir, SECRET_FILE_NAME);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const content = readFileSync(file, "utf8");
      vi.resetModules();
      const second = (await import("@/lib/web/server-secret")).getServerKeys();
      expect(second.passwordSealKey.equals(first.passwordSealKey)).toBe(true);
      expect(readFileSync(file, "utf8")).toBe(content);
    } finally {
      if (saved.secret === undefined) delete process.env.NEXTAUTH_SECRET;
      else process.env.NEXTAUTH_SECRET = saved.secret;
      if (saved.dataDir === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = saved.dataDir;
    }
  });
});

describe("login throttle", () => {
  function throttle() {
    let now = 1_000_000;
    const t = new LoginThrottle({
      freeFailuresPerAccount: 3,
      freeFailuresPerAddress: 5,
      baseDelayMs: 1000,
      maxDelayMs: 8000,
      forgetAfterMs: 60_000,
      maxTracked: 100,
      now: () => now,
    });
    return { t, advance: (ms: number) => (now += ms) };
  }

  it("allows a few failures per account, then makes each wait twice as long, up to the cap", () => {
    const { t, advance } = throttle();
    for (let i = 0; i < 3; i++) {
      expect(t.check("ann@example.org", "10.0.0.1").allowed).toBe(true);
      t.recordFailure("ann@example.org", "10.0.0.1");
    }
    expect(t.check("ann@example.org", "10.0.0.1").allowed).toBe(true);
    t.recordFailure("ann@example.org", "10.0.0.2");
    expect(t.check("ANN@example.org", "10.0.0.9")).toEqual({ allowed: false, retryAfterMs: 1000, reason: "account" });
    advance(1000);
    t.recordFailure("ann@example.org", "10.0.0.3");
    expect(t.check("ann@example.org", "10.0.0.9")).toMatchObject({ allowed: false, retryAfterMs: 2000 });
    for (let i = 0; i < 6; i++) t.recordFailure("ann@example.org", `10.0.1.${i}`);
    expect(t.check("ann@example.org", "10.0.0.9")).toMatchObject({ retryAfterMs: 8000 });
    // Other accounts are not affected by Ann's.
    expect(t.check("bob@example.org", "10.0.0.9").allowed).toBe(true);
  });

  it("limits one address trying many accounts", () => {
    const { t } = throttle();
    for (let i = 0; i < 6; i++) t.recordFailure(`user${i}@example.org`, "192.0.2.1");
    expect(t.check("new@example.org", "192.0.2.1")).toMatchObject({ allowed: false, reason: "address" });
    expect(t.check("new@example.org", "192.0.2.2").allowed).toBe(true);
  });

  it("success clears the account's record but not the address's; quiet time forgets both", () => {
    const { t, advance } = throttle();
    for (let i = 0; i < 6; i++) t.recordFailure("ann@example.org", "192.0.2.1");
    t.recordSuccess("ann@example.org");
    expect(t.check("ann@example.org", "192.0.2.7").allowed).toBe(true);
    expect(t.check("ann@example.org", "192.0.2.1")).toMatchObject({ allowed: false, reason: "address" });
    advance(61_000);
    expect(t.check("ann@example.org", "192.0.2.1").allowed).toBe(true);
  });

  it("words the wait for people", () => {
    expect(describeWait(1)).toBe("1 second");
    expect(describeWait(30_000)).toBe("30 seconds");
    expect(describeWait(90_000)).toBe("2 minutes");
  });
});

describe("client address", () => {
  it("takes the peer our server appended; behind a local proxy, the address the proxy appended", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "203.0.113.9, 198.51.100.2" }))).toBe("198.51.100.2");
    expect(clientAddress({ "x-forwarded-for": "::ffff:127.0.0.1" })).toBe("127.0.0.1");
    expect(clientAddress({ "x-forwarded-for": "6.6.6.6, 198.51.100.7, 127.0.0.1" })).toBe("198.51.100.7");
    expect(clientAddress({ "x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.2" })).toBe("198.51.100.7");
    expect(clientAddress({})).toBe("unknown");
  });

  it("can't be chosen by a client talking to our web server directly", async () => {
    const { appendPeerAddress } = await import("@/scripts/lib/web-server");
    const http = await import("node:http");
    const server = http.createServer((request, response) => {
      appendPeerAddress(request);
      response.end(request.headers["x-forwarded-for"]);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      // Only a connection from another machine shows it: from loopback the peer counts as a local proxy.
      const seen = await (await fetch(`http://127.0.0.1:${port}/`, { headers: { "x-forwarded-for": "203.0.113.50" } })).text();
      expect(seen).toBe("203.0.113.50, 127.0.0.1");
      expect(clientAddress({ "x-forwarded-for": seen.replace("127.0.0.1", "198.51.100.9") })).toBe("198.51.100.9");
    } finally {
      server.close();
    }
  });
});
