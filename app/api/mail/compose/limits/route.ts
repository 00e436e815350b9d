import { NextResponse } from "next/server";
import { messageSizeLimit } from "@/lib/user-agent/compose/size-limit";
import { getSignedInUser } from "@/lib/web/auth/session";
import { jsonError } from "@/lib/web/mail-route";

/** The largest message the composer may send (bytes as sent), for it to refuse a too-large attachment when added. */
export async function GET() {
  if (!(await getSignedInUser())) return jsonError(401, "Sign in first.");
  return NextResponse.json({ maxMessageBytes: await messageSizeLimit() }, { headers: { "cache-control": "private, max-age=600" } });
}
