import { inviteRequest } from "@/lib/user-agent/signup-api";
import { getSignedInUser } from "@/lib/web/auth/session";
import { readJsonBody } from "@/lib/web/json-body";
import { jsonError } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";
import { passThrough } from "./pass-through";

export async function GET() {
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  return passThrough(() => inviteRequest(user, { method: "GET" }));
}

/** A new invite: { note?, days? }; the answer carries its token, this once. */
export async function POST(request: Request) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  const body = await readJsonBody(request, 4 * 1024);
  if (!body.ok) return jsonError(body.status, body.error);
  const fields = typeof body.value === "object" && body.value !== null ? (body.value as Record<string, unknown>) : {};
  const note = typeof fields.note === "string" ? fields.note : "";
  const days = typeof fields.days === "number" ? fields.days : typeof fields.days === "string" && fields.days.trim() ? Number(fields.days) : 7;
  if (!Number.isFinite(days)) return jsonError(400, "days must be a number.");
  return passThrough(() => inviteRequest(user, { method: "POST", body: { note, days } }));
}
