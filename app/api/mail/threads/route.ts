import { NextResponse, type NextRequest } from "next/server";
import { listThreads, MAX_THREAD_PAGE } from "@/lib/user-agent/mail/threads";
import { boundedInteger, folderParameter, jsonError, withImapSession } from "@/lib/web/mail-route";

/** A page of the folder's conversations (offset, limit in threads), newest activity first. */
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const folder = folderParameter(params.get("folder"));
  if (folder === null) return jsonError(400, "Which folder? Give folder=…");
  const offset = boundedInteger(params.get("offset"), 0, 0, 10_000_000);
  const limit = boundedInteger(params.get("limit"), 50, 1, MAX_THREAD_PAGE);
  return withImapSession(async (session) => NextResponse.json(await listThreads(session, folder, offset, limit), { headers: { "cache-control": "no-store" } }));
}
