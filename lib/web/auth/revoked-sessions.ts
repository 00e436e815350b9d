// Session tokens are stateless JWTs: one copied before logout would stay valid until it expires. The
// ids of sessions ended in this process are remembered here until then, the quick answer before the
// WebSession rows (web-sessions.ts), which hold the same across restarts and web processes.
import "server-only";

const globalKey = Symbol.for("webmail.revokedSessions");
type GlobalWithRevoked = typeof globalThis & { [globalKey]?: Map<string, number> };

function table(): Map<string, number> {
  const holder = globalThis as GlobalWithRevoked;
  holder[globalKey] ??= new Map();
  return holder[globalKey];
}

export function revokeSession(sessionId: string, expiresAtMs: number) {
  const revoked = table();
  revoked.set(sessionId, expiresAtMs);
  const now = Date.now();
  for (const [id, expires] of revoked) if (expires < now) revoked.delete(id);
}

export function isRevoked(sessionId: string): boolean {
  return table().has(sessionId);
}
