import { NextResponse, type NextRequest } from "next/server";
import { openThread } from "@/lib/user-agent/mail/threads";
import { folderParameter, jsonError, uidParameter, withImapSession } from "@/lib/web/mail-route";

/** An opened conversation: its messages in the folder (uids=…) and the user's replies from Sent. */
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const folder = folderParameter(params.get("folder"));
  if (folder === null) return jsonError(400, "Which folder? Give folder=…");
  const uids = (params.get("uids") ?? "").split(",").slice(0, 500).map(uidParameter);
  if (uids.length === 0 || uids.some((uid) => uid === null)) return jsonError(400, "uids must be message UIDs separated by commas.");
  return withImapSession(async (session) => NextResponse.json({ messages: await openThread(session, folder, uids as number[]) }, { headers: { "cache-control": "no-store" } }));
}
