// The webmail's session records on a real database: a recorded session is active, ending one or all of a
// user's sessions holds after the process forgets everything it cached (a restart), another user's
// sessions are out of reach, and a token without a record is refused.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openTestStore, type TestStore } from "../helpers/store";

vi.mock("server-only", () => ({}));
const { recordSession, isSessionActive, listSessions, revokeSessions } = await import("@/lib/web/auth/web-sessions");

const DAY = 86_400_000;

/** What a restart loses: the in-process caches of session state. */
function forgetCaches() {
  for (const name of ["webmail.webSessionCache", "webmail.revokedSessions"]) (globalThis as Record<symbol, Map<string, unknown> | undefined>)[Symbol.for(name)]?.clear();
}

describe("web session records", () => {
  let test: TestStore;
  let database: () => ReturnType<TestStore["store"]["db"]["prisma"]>;
  const ids = Array.from({ length: 4 }, (_, i) => `0000000${i}-0000-4000-8000-000000000000`);

  beforeAll(async () => {
    test = await openTestStore("sqlite");
    database = () => test.store.db.prisma();
    const session = (id: string, address: string, userAgent: string) => recordSession({ id, address, userAgent, ipAddress: "203.0.113.4", expiresAt: new Date(Date.now() + DAY) }, database);
    await session(ids[0], "Ann@Example.test", "Mozilla/5.0 (X11; Linux x86_64) Chrome/140\r\nX-Evil: 1");
    await session(ids[1], "ann@example.test", "Mozilla/5.0 (iPhone) Safari/605");
    await session(ids[2], "ann@example.test", "curl/8");
    await session(ids[3], "bob@example.test", "Firefox/140");
  });
  afterAll(async () => test.cleanup());

  it("lists the user's own sessions and marks the current one", async () => {
    const listed = await listSessions("ANN@example.test", ids[1], database);
    expect(listed.map((s) => s.id).sort()).toEqual(ids.slice(0, 3));
    expect(listed.find((s) => s.current)?.id).toBe(ids[1]);
    expect(listed.find((s) => s.id === ids[0])?.userAgent).not.toMatch(/[\r\n]/);
    for (const id of ids) expect(await isSessionActive(id, database)).toBe(true);
    expect(await isSessionActive("11111111-0000-4000-8000-000000000000", database)).toBe(false);
  });

  it("ends one session, not another user's, and the end outlives the process's memory", async () => {
    expect(await revokeSessions("ann@example.test", { only: ids[3] }, database)).toBe(0);
    expect(await revokeSessions("ann@example.test", { only: ids[2] }, database)).toBe(1);
    expect(await isSessionActive(ids[2], database)).toBe(false);
    forgetCaches();
    expect(await isSessionActive(ids[2], database)).toBe(false);
    expect(await isSessionActive(ids[3], database)).toBe(true);
  });

  it("after a password change, ends every session but the one that changed it", async () => {
    const phone = "00000009-0000-4000-8000-000000000000";
    await recordSession({ id: phone, address: "ann@example.test", userAgent: "Mail/1", ipAddress: "198.51.100.7", expiresAt: new Date(Date.now() + DAY) }, database);
    expect(await revokeSessions("ANN@example.test", { except: ids[1] }, database)).toBe(2);
    forgetCaches();
    expect(await isSessionActive(ids[1], database)).toBe(true);
    for (const id of [ids[0], phone]) expect(await isSessionActive(id, database)).toBe(false);
    expect(await isSessionActive(ids[3], database)).toBe(true);
  });

  it("signs out everywhere", async () => {
    expect(await revokeSessions("ann@example.test", "all", database)).toBe(1);
    forgetCaches();
    expect(await isSessionActive(ids[0], database)).toBe(false);
    expect(await isSessionActive(ids[1], database)).toBe(false);
    expect(await listSessions("ann@example.test", ids[0], database)).toEqual([]);
    expect(await isSessionActive(ids[3], database)).toBe(true);
  });
});
