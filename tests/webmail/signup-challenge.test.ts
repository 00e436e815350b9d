// The sign-up form's proof of work and minimum fill time: a challenge is solvable by the same code the
// browser runs, refused when tampered with, sent too soon, unsolved, too old or sent twice.
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
const { issueChallenge, redeemChallenge, MIN_FILL_MS, CHALLENGE_LIFETIME_MS } = await import("@/lib/web/signup/challenge");
const { isSolution, leadingZeroBits, solve, PROOF_OF_WORK_BITS } = await import("@/lib/web/signup/proof-of-work");
const { scorePassword } = await import("@/lib/web/signup/password-score");

const key = Buffer.alloc(32, 3);

describe("sign-up challenge", () => {
  it("counts leading zero bits", () => {
    expect(leadingZeroBits(Uint8Array.from([0, 0, 0x1f, 0xff]))).toBe(19);
    expect(leadingZeroBits(Uint8Array.from([0x80]))).toBe(0);
    expect(leadingZeroBits(new Uint8Array(4))).toBe(32);
  });

  it("is solved by the browser's code and then works once, only after the minimum fill time", async () => {
    const issuedAt = Date.now();
    const { challenge, bits } = issueChallenge(issuedAt, key);
    expect(bits).toBe(PROOF_OF_WORK_BITS);
    const solution = await solve(challenge, bits);
    expect(isSolution(challenge, solution, bits)).toBe(true);

    expect(redeemChallenge(challenge, solution, issuedAt + MIN_FILL_MS - 500, key)).toBe("too-fast");
    expect(redeemChallenge(challenge, String(Number(solution) + 1), issuedAt + MIN_FILL_MS, key)).toBe("unsolved");
    expect(redeemChallenge(challenge, solution, issuedAt + MIN_FILL_MS, key)).toBeNull();
    expect(redeemChallenge(challenge, solution, issuedAt + MIN_FILL_MS + 1, key)).toBe("reused");
  });

  it("refuses forged, tampered, foreign and expired challenges", async () => {
    const issuedAt = Date.now();
    const { challenge } = issueChallenge(issuedAt, key);
    // Asking for fewer bits changes what the signature covers.
    const easier = challenge.replace(`.${PROOF_OF_WORK_BITS}.`, ".1.");
    expect(redeemChallenge(easier, "0", issuedAt + MIN_FILL_MS, key)).toBe("invalid");
    expect(redeemChallenge(challenge, "0", issuedAt + MIN_FILL_MS, Buffer.alloc(32, 4))).toBe("invalid");
    for (const junk of ["", "v1", "x".repeat(300), "v1.1.18.aaaaaaaaaaaaaaaa.\u0000", `${challenge}\r\n`]) {
      expect(redeemChallenge(junk, "0", issuedAt + MIN_FILL_MS, key)).toBe("invalid");
    }
    expect(redeemChallenge(challenge, "1e3", issuedAt + MIN_FILL_MS, key)).toBe("unsolved");
    const old = issueChallenge(issuedAt - CHALLENGE_LIFETIME_MS - 1, key);
    expect(redeemChallenge(old.challenge, "0", issuedAt, key)).toBe("expired");
  });

  it("rates passwords for the meter the way the server's rule reads", () => {
    expect(scorePassword("short", "anna")).toBe(0);
    expect(scorePassword("anna.li-2026!", "anna.li")).toBe(0);
    expect(scorePassword("aaaaaaaaaaaa", "bob")).toBe(0);
    expect(scorePassword("abcdefghij", "bob")).toBe(1);
    expect(scorePassword("correct horse battery staple", "bob")).toBeGreaterThanOrEqual(3);
  });
});
