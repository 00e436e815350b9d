import { NextResponse } from "next/server";
import { listFolders } from "@/lib/user-agent/mail/folders";
import { withImapSession } from "@/lib/web/mail-route";

export async function GET() {
  return withImapSession(async (session) => NextResponse.json({ folders: await listFolders(session) }, { headers: { "cache-control": "no-store" } }));
}
