import { NextResponse, type NextRequest } from "next/server";
import { withMessageForReader } from "@/lib/web/mail-route";

// Reading changes nothing (the body is fetched with PEEK); marking read is a separate POST to /api/mail/flags.
export function GET(request: NextRequest) {
  return withMessageForReader(request.nextUrl.searchParams, (message) => NextResponse.json(message, { headers: { "cache-control": "private, no-store" } }));
}
