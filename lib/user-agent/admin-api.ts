// The webmail's client of the mail server's management HTTP API (lib/mail-server/admin on the other side).
// Like IMAP and SMTP, it is a protocol boundary: nothing here imports the mail server's code.
import "server-only";
import { ConfigError, loadConfig } from "@/lib/config";

const TIMEOUT_MS = 5_000;

export class MailServerUnreachableError extends Error {
  constructor(
    readonly url: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`mail server unreachable at ${url} (${detail})`, options);
    this.name = "MailServerUnreachableError";
  }
}

/** The server answered, but not in the shape of the contract: different versions, or not our server at all. */
export class AdminApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AdminApiError";
  }
}

export interface SetupInput {
  address: string;
  password: string;
  displayName: string;
}

export interface CreatedAccount {
  address: string;
  domain: string;
}

export type SetupResult =
  | { ok: true; status: number; body: CreatedAccount }
  | { ok: false; status: number; body: { error: string } };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whose credentials to present (HTTP Basic): the signed-in user's own address and password. */
export interface AdminCredentials {
  address: string;
  password: string;
}

export interface AdminRequest {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Sent as JSON. */
  body?: unknown;
  credentials?: AdminCredentials;
}

/**
 * One call to the management API: its HTTP status and parsed JSON body (null when not JSON). The routes
 * are listed in lib/mail-server/admin/routes/index.ts; errors come as `{ error: "words for a person" }`.
 */
export async function adminRequest(path: string, { method = "GET", body, credentials }: AdminRequest = {}): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials.address}:${credentials.password}`, "utf8").toString("base64")}`;
  return request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** The `error` words of an API answer, or a sentence naming the status when the answer has none. */
export function adminErrorText(status: number, body: unknown): string {
  return isRecord(body) && typeof body.error === "string" ? body.error : `The mail server gave an unexpected answer (HTTP ${status}).`;
}

async function request(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  // Trimmed and concatenated rather than new URL(path, base), which would drop a path prefix in ADMIN_URL.
  const base = loadConfig().adminUrl.replace(/\/+$/, "");
  try {
    const response = await fetch(base + path, { ...init, cache: "no-store", signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: the callers report the status instead.
    }
    return { status: response.status, body };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    const detail = timedOut ? `no answer within ${TIMEOUT_MS / 1000} s` : error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new MailServerUnreachableError(base, detail, { cause: error });
  }
}

export async function getSetupStatus(): Promise<{ needed: boolean }> {
  const { status, body } = await request("/api/v1/setup");
  if (status !== 200 || !isRecord(body) || typeof body.needed !== "boolean") {
    throw new AdminApiError(`unexpected answer from the mail server to GET /api/v1/setup (HTTP ${status})`);
  }
  return { needed: body.needed };
}

/** For pages: the status, or the words explaining why there is none (shown instead of crashing). */
export async function getSetupStatusOrProblem(): Promise<{ needed: boolean } | { problem: string }> {
  try {
    return await getSetupStatus();
  } catch (error) {
    if (error instanceof MailServerUnreachableError || error instanceof AdminApiError || error instanceof ConfigError) {
      return { problem: error.message };
    }
    throw error;
  }
}

export async function createFirstAccount(input: SetupInput): Promise<SetupResult> {
  const { status, body } = await adminRequest("/api/v1/setup", { method: "POST", body: input });
  if (status === 201 && isRecord(body) && typeof body.address === "string" && typeof body.domain === "string") {
    return { ok: true, status, body: { address: body.address, domain: body.domain } };
  }
  if (status >= 400 && isRecord(body) && typeof body.error === "string") {
    return { ok: false, status, body: { error: body.error } };
  }
  return { ok: false, status: 502, body: { error: adminErrorText(status, body) } };
}
