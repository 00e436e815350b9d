import { NextResponse, type NextRequest } from "next/server";
import { MAX_PAGE_SIZE } from "@/lib/user-agent/mail/list";
import { searchMessages, type SearchQuery } from "@/lib/user-agent/mail/search";
import { boundedInteger, folderParameter, jsonError, withImapSession } from "@/lib/web/mail-route";

const MAX_TERM = 500;

/**
 * Search: q (the search box) and/or from, to, subject, words, since, until (YYYY-MM-DD), attachment=1,
 * unread=1; folder=… or none for all folders; offset and limit page the results, newest first.
 * Terms may hold anything (quotes, braces, CR/LF, any script): imapflow sends them as strings or literals.
 */
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const term = (name: string) => {
    const value = params.get(name);
    return value === null || value.length === 0 ? undefined : value.slice(0, MAX_TERM);
  };
  const folderValue = params.get("folder");
  const folder = folderValue === null || folderValue === "" ? null : folderParameter(folderValue);
  if (folderValue && folder === null) return jsonError(400, "That is not a folder name.");
  const query: SearchQuery = {
    text: term("q"),
    from: term("from"),
    to: term("to"),
    subject: term("subject"),
    words: term("words"),
    since: term("since"),
    until: term("until"),
    hasAttachment: params.get("attachment") === "1",
    unread: params.get("unread") === "1",
    folder,
  };
  const offset = boundedInteger(params.get("offset"), 0, 0, 1_000_000);
  const limit = boundedInteger(params.get("limit"), 50, 1, MAX_PAGE_SIZE);
  return withImapSession(async (session) => NextResponse.json(await searchMessages(session, query, offset, limit), { headers: { "cache-control": "no-store" } }));
}
