import { NextResponse, type NextRequest } from "next/server";
import { deliveredTo } from "@/lib/user-agent/compose/delivered-to";
import { readOriginal } from "@/lib/user-agent/compose/original";
import { jsonError, messageParameters, withImapSession } from "@/lib/web/mail-route";

// What a reply or forward quotes and answers: read with PEEK like the reading pane, so nothing changes.
export function GET(request: NextRequest) {
  const named = messageParameters(request.nextUrl.searchParams);
  if (!named) return jsonError(400, "Give folder=… and uid=….");
  return withImapSession(async (session) => {
    const original = await readOriginal(session, named.folder, named.uid);
    // Which of the user's addresses it reached, for the identity that answers it.
    if (original) original.deliveredTo = await deliveredTo(session, named.folder, named.uid);
    return original ? NextResponse.json(original, { headers: { "cache-control": "private, no-store" } }) : jsonError(404, "This message is no longer in the folder.");
  });
}
