import { NextResponse } from "next/server";
import { sanitizeMailHtml } from "@/lib/user-agent/html/sanitize";
import { sendableAddresses } from "@/lib/user-agent/settings/addresses";
import { saveIdentity } from "@/lib/user-agent/settings/store";
import { parseIdentity, sameAddress } from "@/lib/user-agent/settings/types";
import { userIdentities } from "@/lib/user-agent/settings/view";
import { jsonError } from "@/lib/web/mail-route";
import { readChange, withSettingsUser } from "../user";

/** The identities the composer offers as From. */
export async function GET() {
  return withSettingsUser(async (user, prisma) => NextResponse.json({ identities: await userIdentities(prisma, user) }, { headers: { "cache-control": "no-store" } }));
}

/** Saves one identity: { address, displayName, signature, signatureHtml, isDefault }; the address must be one of the user's. */
export async function PUT(request: Request) {
  const body = await readChange(request, 64 * 1024);
  if (body instanceof Response) return body;
  const identity = parseIdentity(body);
  if (typeof identity === "string") return jsonError(400, identity);
  return withSettingsUser(async (user, prisma) => {
    const { addresses } = await sendableAddresses(user);
    if (!addresses.some((address) => sameAddress(address, identity.address))) return jsonError(403, `${identity.address} is not an address you can send from.`);
    // The signature goes into messages as it is: cleaned like the composer's own HTML.
    const signature = identity.signatureHtml ? sanitizeMailHtml(identity.signature, { allowRemoteContent: true }).html : identity.signature;
    await saveIdentity(prisma, user.address, { ...identity, signature });
    return NextResponse.json({ identities: await userIdentities(prisma, user) });
  });
}
