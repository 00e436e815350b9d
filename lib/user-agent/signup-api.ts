// The webmail's side of sign-up and invites in the management API (routes signup.ts and invites.ts on the
// mail server): what sign-up offers, creating the account, and the administrators' invites.
import "server-only";
import { AdminApiError, adminRequest, isRecord, MailServerUnreachableError, type AdminCredentials } from "./admin-api";

export type SignupMode = "closed" | "invite" | "open";
export type InviteState = "valid" | "used" | "expired" | "revoked" | "unknown";

export interface SignupInfo {
  mode: SignupMode;
  domains: string[];
  /** When asked about a token: what it is worth now. */
  invite?: InviteState;
}

const MODES: readonly string[] = ["closed", "invite", "open"];
const INVITE_STATES: readonly string[] = ["valid", "used", "expired", "revoked", "unknown"];

export async function getSignupInfo(invite?: string): Promise<SignupInfo> {
  const query = invite ? `?invite=${encodeURIComponent(invite.slice(0, 100))}` : "";
  const { status, body } = await adminRequest(`/api/v1/signup${query}`);
  if (status !== 200 || !isRecord(body) || typeof body.mode !== "string" || !MODES.includes(body.mode) || !Array.isArray(body.domains)) {
    throw new AdminApiError(`unexpected answer from the mail server to GET /api/v1/signup (HTTP ${status})`);
  }
  return {
    mode: body.mode as SignupMode,
    domains: body.domains.filter((d): d is string => typeof d === "string"),
    ...(typeof body.invite === "string" && INVITE_STATES.includes(body.invite) ? { invite: body.invite as InviteState } : {}),
  };
}

/** For pages: closed when the mail server can't be asked (another server by IMAP_URL, or down). */
export async function getSignupInfoOrClosed(invite?: string): Promise<SignupInfo> {
  try {
    return await getSignupInfo(invite);
  } catch (error) {
    if (error instanceof MailServerUnreachableError || error instanceof AdminApiError) return { mode: "closed", domains: [] };
    throw error;
  }
}

export interface SignupRequest {
  localPart: string;
  domain: string;
  displayName: string;
  password: string;
  invite: string;
  clientAddress: string;
  language: string;
}

/** The mail server's answer: 201 with the address, or a refusal with its code and words. */
export async function createSignupAccount(input: SignupRequest): Promise<{ status: number; address?: string; code?: string; error?: string; retryAfterMinutes?: number }> {
  const { status, body } = await adminRequest("/api/v1/signup", { method: "POST", body: input });
  if (!isRecord(body)) return { status: 502 };
  return {
    status,
    address: typeof body.address === "string" ? body.address : undefined,
    code: typeof body.code === "string" ? body.code : undefined,
    error: typeof body.error === "string" ? body.error : undefined,
    retryAfterMinutes: typeof body.retryAfterMinutes === "number" ? body.retryAfterMinutes : undefined,
  };
}

export interface InviteRow {
  id: number;
  note: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedBy: string;
  revokedAt: string | null;
  state: Exclude<InviteState, "unknown">;
}

/** The administrators' invites calls, passed through with the signed-in administrator's credentials. */
export function inviteRequest(credentials: AdminCredentials, request: { method: "GET" } | { method: "POST"; body: { note: string; days: number } } | { method: "DELETE"; id: number }) {
  if (request.method === "DELETE") return adminRequest(`/api/v1/invites/${request.id}`, { method: "DELETE", credentials });
  if (request.method === "POST") return adminRequest("/api/v1/invites", { method: "POST", body: request.body, credentials });
  return adminRequest("/api/v1/invites", { credentials });
}
