// Session tokens are stateless JWTs: one copied before logout would stay valid until it expires. The
// ids of sessions ended in this process are remembered here until then, the quick answer before the
// WebSession rows (web-sessions.ts), which hold the same across restarts and web processes.
import "server-only";
import { processWide } from "@/lib/web/process-wide";

const table = () => processWide("webmail.revokedSessions", () => new Map<string, number>());

export function revokeSession(sessionId: string, expiresAtMs: number) {
  const revoked = table();
  revoked.set(sessionId, expiresAtMs);
  const now = Date.now();
  for (const [id, expires] of revoked) if (expires < now) revoked.delete(id);
}

export function isRevoked(sessionId: string): boolean {
  return table().has(sessionId);
}
