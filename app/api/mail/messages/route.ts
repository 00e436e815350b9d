import { NextResponse, type NextRequest } from "next/server";
import { fetchSummaries, isSortOrder, listMessages, MAX_PAGE_SIZE } from "@/lib/user-agent/mail/list";
import { boundedInteger, folderParameter, jsonError, uidParameter, withImapSession } from "@/lib/web/mail-route";

const NO_STORE = { "cache-control": "no-store" };

/** A page of the sorted list (offset, limit), or given rows (uids=1,2,3) after a live update. */
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const folder = folderParameter(params.get("folder"));
  if (folder === null) return jsonError(400, "Which folder? Give folder=…");
  const uidList = params.get("uids");
  if (uidList !== null) {
    const uids = uidList.split(",").slice(0, MAX_PAGE_SIZE).map(uidParameter);
    if (uids.some((uid) => uid === null)) return jsonError(400, "uids must be message UIDs separated by commas.");
    return withImapSession(async (session) => NextResponse.json({ messages: await fetchSummaries(session, folder, uids as number[]) }, { headers: NO_STORE }));
  }
  const sort = params.get("sort") ?? "date-desc";
  if (!isSortOrder(sort)) return jsonError(400, "Unknown sort order.");
  const offset = boundedInteger(params.get("offset"), 0, 0, 10_000_000);
  const limit = boundedInteger(params.get("limit"), 50, 1, MAX_PAGE_SIZE);
  return withImapSession(async (session) => NextResponse.json(await listMessages(session, folder, sort, offset, limit), { headers: NO_STORE }));
}
