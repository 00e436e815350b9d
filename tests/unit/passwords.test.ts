// The verified-password cache in front of argon2id: a repeated login skips the hash, but only
// for the same stored hash and the same password; failures are never remembered.
import argon2 from "argon2";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hashPassword, verifyPassword } from "@/lib/mail-server/store/passwords";

describe("verifyPassword", () => {
  afterEach(() => vi.restoreAllMocks());

  it("runs argon2 once for a password verified again, never for a match after a wrong one", async () => {
    const hash = await hashPassword("correct horse battery 1");
    const verify = vi.spyOn(argon2, "verify");
    expect(await verifyPassword(hash, "correct horse battery 1")).toBe(true);
    expect(await verifyPassword(hash, "correct horse battery 1")).toBe(true);
    expect(verify).toHaveBeenCalledTimes(1);
    // A wrong password is checked by argon2 every time.
    expect(await verifyPassword(hash, "correct horse battery 2")).toBe(false);
    expect(await verifyPassword(hash, "correct horse battery 2")).toBe(false);
    expect(verify).toHaveBeenCalledTimes(3);
  });

  it("does not accept a remembered password once the stored hash changed (password changed)", async () => {
    const before = await hashPassword("old password 12345");
    expect(await verifyPassword(before, "old password 12345")).toBe(true);
    const after = await hashPassword("new password 12345");
    expect(await verifyPassword(after, "old password 12345")).toBe(false);
    expect(await verifyPassword(after, "new password 12345")).toBe(true);
  });

  it("answers false, not an error, for a stored hash that is not argon2", async () => {
    expect(await verifyPassword("not-a-hash", "whatever 123456")).toBe(false);
  });
});

describe("hashPassword", () => {
  it("hashes with argon2id at 19 MiB, 2 passes, 1 lane, and still verifies hashes made with other parameters", async () => {
    expect(await hashPassword("correct horse battery 3")).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    const older = await argon2.hash("correct horse battery 4", { type: argon2.argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4 });
    expect(await verifyPassword(older, "correct horse battery 4")).toBe(true);
  });
});

describe("verifyPassword at once", () => {
  afterEach(() => vi.restoreAllMocks());

  it("runs one argon2 verification for the same password asked many times at once", async () => {
    const hash = await hashPassword("correct horse battery 5");
    const verify = vi.spyOn(argon2, "verify");
    const results = await Promise.all(Array.from({ length: 20 }, () => verifyPassword(hash, "correct horse battery 5")));
    expect(results.every(Boolean)).toBe(true);
    expect(verify).toHaveBeenCalledTimes(1);
    // Different wrong passwords at once are each checked.
    const wrong = await Promise.all([verifyPassword(hash, "wrong one 123456"), verifyPassword(hash, "wrong two 123456")]);
    expect(wrong).toEqual([false, false]);
    expect(verify).toHaveBeenCalledTimes(3);
  });
});
