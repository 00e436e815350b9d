// What the address-book routes share: the signed-in user's address book (401 without a session), the
// same-origin check and bounded JSON body of a change (CSRF), and ids from the browser.
import "server-only";
import type { Prisma } from "@/lib/db";
import { webmailDatabase } from "@/lib/user-agent/webmail-database";
import { getSignedInUser } from "@/lib/web/auth/session";
import { readJsonBody } from "@/lib/web/json-body";
import { jsonError } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";

export type Fields = Record<string, unknown>;

export async function withAddressBook(handler: (prisma: Prisma, owner: string) => Promise<Response>): Promise<Response> {
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  return handler(await webmailDatabase(), user.address);
}

/** The JSON object of a state-changing request, or the response that refuses it. */
export async function readChange(request: Request): Promise<Fields | Response> {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  // A contact's notes (10,000 characters, up to 4 bytes each) and its addresses fit in this.
  const body = await readJsonBody(request, 64 * 1024);
  if (!body.ok) return jsonError(body.status, body.error);
  return typeof body.value === "object" && body.value !== null && !Array.isArray(body.value) ? (body.value as Fields) : {};
}

export function idField(value: unknown): number | null {
  const id = typeof value === "number" ? value : typeof value === "string" && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export const noStore = { "cache-control": "no-store" };
