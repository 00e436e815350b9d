// What the settings routes share: the signed-in user (401 without one), the same-origin check and
// bounded JSON body of a change (CSRF), and the webmail's database.
import "server-only";
import type { Prisma } from "@/lib/db";
import { webmailDatabase } from "@/lib/user-agent/webmail-database";
import { getSignedInUser, type SignedInUser } from "@/lib/web/auth/session";
import { readJsonBody } from "@/lib/web/json-body";
import { jsonError } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";

export async function withSettingsUser(handler: (user: SignedInUser, prisma: Prisma) => Promise<Response>): Promise<Response> {
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  return handler(user, await webmailDatabase());
}

/** The JSON body of a state-changing request, or the response that refuses it. */
export async function readChange(request: Request, limit = 8 * 1024): Promise<unknown> {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const body = await readJsonBody(request, limit);
  if (!body.ok) return jsonError(body.status, body.error);
  return body.value;
}
