import { NextResponse, type NextRequest } from "next/server";
import { openMessageForReader } from "@/lib/user-agent/mail/message";
import { jsonError, messageParameters, withImapSession } from "@/lib/web/mail-route";

// Reading changes nothing (the body is fetched with PEEK); marking read is a separate POST to /api/mail/flags.
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const named = messageParameters(params);
  if (!named) return jsonError(400, "Give folder=… and uid=….");
  const { folder, uid } = named;
  const allowRemote = params.get("remote") === "1";
  return withImapSession(async (session) => {
    const message = await openMessageForReader(session, folder, uid, allowRemote);
    if (!message) return jsonError(404, "This message is no longer in the folder.");
    return NextResponse.json(message, { headers: { "cache-control": "private, no-store" } });
  });
}
