import { NextResponse, type NextRequest } from "next/server";
import { getTranslations } from "next-intl/server";
import { deliveryOfSent, openDeliveryReport } from "@/lib/user-agent/delivery/find";
import { jsonError, messageParameters, withImapSession } from "@/lib/web/mail-route";

/**
 * Delivery status, read only: kind=sent, what the reports in INBOX say about the user's message at
 * folder/uid; kind=report, the delivery report at folder/uid read for people.
 */
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const named = messageParameters(params);
  const kind = params.get("kind");
  if (!named || (kind !== "sent" && kind !== "report")) return jsonError(400, "Give folder=…, uid=… and kind=sent or kind=report.");
  return withImapSession(async (session) => {
    const found = kind === "sent" ? await deliveryOfSent(session, named.folder, named.uid) : await openDeliveryReport(session, named.folder, named.uid);
    if (!found) return jsonError(404, (await getTranslations("Delivery"))(kind === "sent" ? "noMessage" : "notAReport"));
    return NextResponse.json(found, { headers: { "cache-control": "private, no-store" } });
  });
}
