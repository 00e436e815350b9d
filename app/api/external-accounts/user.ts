// What the external-accounts routes share: the signed-in user (401 without one), the same-origin check
// and JSON body of a change (CSRF), and the account list as the settings page shows it.
import "server-only";
import { NextResponse } from "next/server";
import { listAccounts, viewOf, type AccountView, type Sealer } from "@/lib/user-agent/pop3/accounts";
import type { FetchProgress } from "@/lib/user-agent/pop3/fetch";
import { fetchService, type FetchService } from "@/lib/user-agent/pop3/service";
import { getSignedInUser, type SignedInUser } from "@/lib/web/auth/session";
import { readJsonBody } from "@/lib/web/json-body";
import { jsonError } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";

export type Fields = Record<string, unknown>;

/** An account on the page: its settings, last result, and the progress of a fetch running now. */
export interface ListedAccount extends AccountView {
  progress: FetchProgress | null;
}

export interface Signed {
  user: SignedInUser;
  service: FetchService;
  /** Seals with the user's current IMAP password (taken again at every save and check). */
  sealer: Sealer;
}

export async function withSignedInUser(handler: (signed: Signed) => Promise<Response>): Promise<Response> {
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  const service = fetchService();
  return handler({ user, service, sealer: { owner: user.address, ownerPassword: user.password, key: service.key } });
}

/** The JSON body of a state-changing request, or the response that refuses it. */
export async function readChange(request: Request): Promise<Fields | Response> {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const body = await readJsonBody(request, 8 * 1024);
  if (!body.ok) return jsonError(body.status, body.error);
  return typeof body.value === "object" && body.value !== null ? (body.value as Fields) : {};
}

export function accountId(value: unknown): number | null {
  const id = typeof value === "number" ? value : typeof value === "string" && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export async function listed(signed: Signed): Promise<NextResponse> {
  const rows = await listAccounts(await signed.service.database(), signed.user.address);
  const accounts: ListedAccount[] = rows.map((row) => ({ ...viewOf(row), progress: signed.service.progressOf(row.id) }));
  return NextResponse.json({ accounts }, { headers: { "cache-control": "no-store" } });
}
