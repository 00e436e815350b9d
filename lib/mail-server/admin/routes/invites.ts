// Sign-up invitations, made and withdrawn by administrators. The token is in the answer to POST only:
// the server keeps its hash, so a lost link is replaced, not looked up.
import { StoreError } from "../../store";
import { DEFAULT_INVITE_DAYS, Invites, type InviteView } from "../../store/invites";
import { readJson, type Reply, type RouteContext } from "../request";

function view(invite: InviteView) {
  return {
    id: invite.id,
    note: invite.note,
    createdBy: invite.createdBy,
    createdAt: invite.createdAt.toISOString(),
    expiresAt: invite.expiresAt.toISOString(),
    usedAt: invite.usedAt?.toISOString() ?? null,
    usedBy: invite.usedBy,
    revokedAt: invite.revokedAt?.toISOString() ?? null,
    state: invite.state,
  };
}

function optionalNumber(body: unknown, name: string): number | undefined {
  const value = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (value === undefined || value === null || value === "") return undefined;
  const number = typeof value === "string" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number)) throw new StoreError("invalid", `${name} must be a number`);
  return number;
}

export async function createInvite({ store, request, caller }: RouteContext): Promise<Reply> {
  const body = await readJson(request);
  const note = typeof body === "object" && body !== null ? (body as Record<string, unknown>).note : undefined;
  if (note !== undefined && note !== null && typeof note !== "string") throw new StoreError("invalid", "note must be a string");
  const { token, invite } = await new Invites(store.db, store.sql).create({
    createdBy: caller?.address ?? "",
    note: note ?? "",
    days: optionalNumber(body, "days") ?? DEFAULT_INVITE_DAYS,
  });
  return { status: 201, body: { ...view(invite), token } };
}

export async function listInvites({ store }: RouteContext): Promise<Reply> {
  return { status: 200, body: { invites: (await new Invites(store.db, store.sql).list()).map(view) } };
}

export async function revokeInvite({ store, params }: RouteContext): Promise<Reply> {
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new StoreError("not-found", `no invite ${params.id}`);
  await new Invites(store.db, store.sql).revoke(id);
  return { status: 200, body: { ok: true } };
}
