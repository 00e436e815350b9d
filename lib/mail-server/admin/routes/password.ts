// The caller changing their own password. The current password is asked for again in the body, not
// only in the Basic credentials: a webmail session (or anything else holding the credentials) must
// not be enough to take the account over.
import type { Reply, RouteContext } from "../request";
import { field, readJson } from "../request";

export async function changeOwnPassword({ store, caller, request }: RouteContext): Promise<Reply> {
  if (!caller) return { status: 401, body: { error: "Sign in first." } };
  const body = await readJson(request);
  const current = field(body, "currentPassword");
  const next = field(body, "newPassword");
  if (!current || !next) return { status: 400, body: { error: "Give your current password and the new one." } };
  if (!(await store.accounts.authenticate(caller.address, current))) return { status: 403, body: { error: "The current password is not right." } };
  if (current === next) return { status: 400, body: { error: "The new password is the same as the current one." } };
  // The store checks the strength (StoreError "weak-password", answered 400 in its words).
  await store.accounts.setPassword(caller.address, next);
  return { status: 200, body: { ok: true } };
}
