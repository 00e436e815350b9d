import { NextResponse } from "next/server";
import { findAccount, refreshOwnerPassword } from "@/lib/user-agent/pop3/accounts";
import { jsonError } from "@/lib/web/mail-route";
import { accountId, readChange, withSignedInUser } from "../user";

/**
 * "Check now": fetches the account { id } and answers when done with { result } (n new, or the error);
 * the page polls GET /api/external-accounts meanwhile for the progress. 409 when another web process
 * is fetching it right now.
 */
export async function POST(request: Request) {
  const fields = await readChange(request);
  if (fields instanceof Response) return fields;
  const id = accountId(fields.id);
  if (id === null) return jsonError(400, "Expected { id }.");
  return withSignedInUser(async (signed) => {
    const prisma = await signed.service.database();
    if (!(await findAccount(prisma, signed.user.address, id))) return jsonError(404, "No such account.");
    // The user may have changed their password since the account was saved.
    await refreshOwnerPassword(prisma, signed.sealer, id);
    const result = await signed.service.check(id);
    if (!result) return jsonError(409, "This account is being fetched right now.");
    return NextResponse.json({ result }, { headers: { "cache-control": "no-store" } });
  });
}
