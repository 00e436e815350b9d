// The server's record of signed-in webmail sessions (WebSession rows). The session cookie is a JWT the
// server could not otherwise take back; with a row per session the user can see where they are signed in
// and end any of them, and the end holds across restarts and on every web process. Each request checks
// its row, through a short per-process cache so a page's many requests cost one query; a revocation made
// here is seen here at once, on other web processes within CACHE_MS.
import "server-only";
import type { Prisma } from "@/lib/db";
import { imapSessions } from "@/lib/user-agent/imap/pool";
import { webmailDatabase } from "@/lib/user-agent/webmail-database";
import { isRevoked, revokeSession } from "./revoked-sessions";
import { processWide } from "@/lib/web/process-wide";

const CACHE_MS = 15_000;
/** lastSeenAt is written at most this often per session. */
const LAST_SEEN_EVERY_MS = 60_000;
const MAX_CACHED = 50_000;
const MAX_USER_AGENT = 300;

export interface WebSessionView {
  id: string;
  userAgent: string;
  ipAddress: string;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

interface CachedState {
  active: boolean;
  checkedAt: number;
  lastSeenWrittenAt: number;
}

const cache = () => processWide("webmail.webSessionCache", () => new Map<string, CachedState>());

function remember(id: string, state: CachedState) {
  const states = cache();
  states.delete(id);
  states.set(id, state);
  if (states.size > MAX_CACHED) states.delete(states.keys().next().value!);
}

export async function recordSession(input: { id: string; address: string; userAgent: string; ipAddress: string; expiresAt: Date }, database: () => Promise<Prisma> = webmailDatabase): Promise<void> {
  const prisma = await database();
  const now = new Date();
  await prisma.webSession.create({
    data: {
      id: input.id,
      address: input.address.toLowerCase(),
      userAgent: input.userAgent.replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, MAX_USER_AGENT),
      ipAddress: input.ipAddress.slice(0, 64),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: input.expiresAt,
    },
  });
  remember(input.id, { active: true, checkedAt: Date.now(), lastSeenWrittenAt: Date.now() });
  // Expired rows are of no use to anyone: whoever signs in sweeps their own.
  await prisma.webSession.deleteMany({ where: { address: input.address.toLowerCase(), expiresAt: { lt: now } } });
}

/**
 * Whether this session may still be used: its row exists, is not revoked and not expired. Also notes
 * that it was seen now. A session without a row (made before rows were kept) counts as ended.
 */
export async function isSessionActive(id: string, database: () => Promise<Prisma> = webmailDatabase): Promise<boolean> {
  if (isRevoked(id)) return false;
  const now = Date.now();
  const cached = cache().get(id);
  if (cached && now - cached.checkedAt < CACHE_MS) {
    if (cached.active && now - cached.lastSeenWrittenAt >= LAST_SEEN_EVERY_MS) {
      cached.lastSeenWrittenAt = now;
      void database()
        .then((prisma) => prisma.webSession.updateMany({ where: { id }, data: { lastSeenAt: new Date(now) } }))
        .catch(() => undefined);
    }
    return cached.active;
  }
  try {
    const prisma = await database();
    const row = await prisma.webSession.findUnique({ where: { id } });
    const active = Boolean(row && !row.revokedAt && row.expiresAt.getTime() > now);
    const writeLastSeen = active && (!row || now - row.lastSeenAt.getTime() >= LAST_SEEN_EVERY_MS);
    if (writeLastSeen) await prisma.webSession.updateMany({ where: { id }, data: { lastSeenAt: new Date(now) } });
    remember(id, { active, checkedAt: now, lastSeenWrittenAt: writeLastSeen ? now : (row?.lastSeenAt.getTime() ?? now) });
    return active;
  } catch (error) {
    // The database is away for a moment: a session known to be good a little while ago stays usable.
    if (cached?.active) return true;
    console.error(`webmail: session check failed: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/** The user's sessions still in use, the newest first. */
export async function listSessions(address: string, currentId: string, database: () => Promise<Prisma> = webmailDatabase): Promise<WebSessionView[]> {
  const prisma = await database();
  const rows = await prisma.webSession.findMany({
    where: { address: address.toLowerCase(), revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: "desc" },
    take: 200,
  });
  return rows.map((row) => ({
    id: row.id,
    userAgent: row.userAgent,
    ipAddress: row.ipAddress,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    current: row.id === currentId,
  }));
}

/** Which of a user's sessions to end: one (signing out), all but one (after a password change), or all. */
export type SessionSelection = { only: string } | { except: string } | "all";

/**
 * Ends the user's sessions that `which` names. Marks the rows, forgets them here at once, and closes their
 * pooled IMAP connections in this process. Returns how many were ended.
 */
export async function revokeSessions(address: string, which: SessionSelection, database: () => Promise<Prisma> = webmailDatabase): Promise<number> {
  const prisma = await database();
  const owner = address.toLowerCase();
  const selected = which === "all" ? {} : "only" in which ? { id: which.only } : { id: { not: which.except } };
  const rows = await prisma.webSession.findMany({ where: { address: owner, revokedAt: null, ...selected }, select: { id: true, expiresAt: true } });
  if (!rows.length) return 0;
  await prisma.webSession.updateMany({ where: { address: owner, id: { in: rows.map((r) => r.id) }, revokedAt: null }, data: { revokedAt: new Date() } });
  for (const row of rows) {
    revokeSession(row.id, row.expiresAt.getTime());
    remember(row.id, { active: false, checkedAt: Date.now(), lastSeenWrittenAt: 0 });
    await imapSessions().end(row.id);
  }
  return rows.length;
}
