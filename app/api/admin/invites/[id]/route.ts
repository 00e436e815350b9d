import { inviteRequest } from "@/lib/user-agent/signup-api";
import { getSignedInUser } from "@/lib/web/auth/session";
import { jsonError } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";
import { passThrough } from "../pass-through";

/** Withdraws an unused invite. */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  const id = Number((await params).id);
  if (!Number.isSafeInteger(id) || id <= 0) return jsonError(404, "No such invite.");
  return passThrough(() => inviteRequest(user, { method: "DELETE", id }));
}
