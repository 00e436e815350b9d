import { NextResponse, type NextRequest } from "next/server";
import { openMessage } from "@/lib/user-agent/mail/message";
import { trustedSenders } from "@/lib/user-agent/settings/remote-content";
import { folderParameter, jsonError, uidParameter, withImapSession } from "@/lib/web/mail-route";

// Reading changes nothing (the body is fetched with PEEK); marking read is a separate POST to /api/mail/flags.
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const folder = folderParameter(params.get("folder"));
  const uid = uidParameter(params.get("uid"));
  if (folder === null || uid === null) return jsonError(400, "Give folder=… and uid=….");
  const allowRemote = params.get("remote") === "1";
  return withImapSession(async (session) => {
    const message = await openMessage(session, folder, uid, allowRemote, await trustedSenders(session.address));
    if (!message) return jsonError(404, "This message is no longer in the folder.");
    return NextResponse.json(message, { headers: { "cache-control": "private, no-store" } });
  });
}
