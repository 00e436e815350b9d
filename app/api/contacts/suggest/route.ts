import { NextResponse } from "next/server";
import { suggestRecipients } from "@/lib/user-agent/contacts/directory";
import { withAddressBook } from "../address-book";

/** Recipients for what was typed in To, Cc or Bcc: ?q=… (contacts, groups, recent correspondents). */
export async function GET(request: Request) {
  const query = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 200);
  if (!query) return NextResponse.json({ suggestions: [] });
  return withAddressBook(async (prisma, owner) => NextResponse.json({ suggestions: await suggestRecipients(prisma, owner, query) }, { headers: { "cache-control": "private, no-store" } }));
}
