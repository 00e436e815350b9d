// The administration pages' side of the management API: who is an administrator (the mail server says,
// with the signed-in user's own credentials), and the server actions' common path from a form to an
// API call to words for the page. The mail server enforces admin access on every route; the checks here
// only decide what the webmail shows.
import "server-only";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { adminErrorText, adminRequest, isRecord, MailServerUnreachableError, type AdminRequest } from "@/lib/user-agent/admin-api";
import { getSignedInUser, type SignedInUser } from "@/lib/web/auth/session";
import { isSameOrigin } from "@/lib/web/same-origin";

/** What a form's server action answers: words for the page, and lines to show (DNS records) when there are. */
export type ActionResult = { state: "idle" } | { state: "ok"; message: string; lines?: string[] } | { state: "error"; message: string };

export const IDLE: ActionResult = { state: "idle" };

/** True when the mail server says this user is an administrator; false on any doubt (other server, no answer). */
export async function isAdministrator(user: SignedInUser): Promise<boolean> {
  try {
    const { status, body } = await adminRequest("/api/v1/account", { credentials: user });
    return status === 200 && isRecord(body) && body.isAdmin === true;
  } catch {
    return false;
  }
}

/** The signed-in administrator; anyone else gets the 404 page, as if there were no administration. */
export async function requireAdministrator(): Promise<SignedInUser> {
  const user = await getSignedInUser();
  if (!user || !(await isAdministrator(user))) notFound();
  return user;
}

/** A GET for a page: the body, or the words saying why there is none. */
export async function adminLoad(user: SignedInUser, path: string): Promise<{ body: Record<string, unknown> } | { problem: string }> {
  try {
    const { status, body } = await adminRequest(path, { credentials: user });
    if (status === 200 && isRecord(body)) return { body };
    return { problem: adminErrorText(status, body) };
  } catch (error) {
    if (error instanceof MailServerUnreachableError) return { problem: error.message };
    throw error;
  }
}

/** A text field of a submitted form, bounded: hostile sizes never reach the mail server. */
export function formText(data: FormData, name: string, max = 1024): string {
  const value = data.get(name);
  return typeof value === "string" ? value.slice(0, max) : "";
}

/**
 * Runs one change for a server action: same-origin and signed-in checks, the API call with the user's
 * credentials, and the answer in words (`success` from the reply body, the server's reason otherwise).
 */
export async function adminChange(path: string, request: Omit<AdminRequest, "credentials">, success: (body: Record<string, unknown>) => ActionResult): Promise<ActionResult> {
  const t = await getTranslations("Admin");
  if (!isSameOrigin(await headers())) return { state: "error", message: t("crossSite") };
  const user = await getSignedInUser();
  if (!user) return { state: "error", message: t("signInAgain") };
  try {
    const { status, body } = await adminRequest(path, { ...request, credentials: user });
    if (status >= 200 && status < 300 && isRecord(body)) return success(body);
    return { state: "error", message: t("refused", { reason: adminErrorText(status, body) }) };
  } catch (error) {
    if (error instanceof MailServerUnreachableError) return { state: "error", message: t("unreachable", { reason: error.message }) };
    throw error;
  }
}
