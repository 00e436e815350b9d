// The addresses a message was delivered for, as the receiving server wrote them (Delivered-To,
// X-Original-To): with To and Cc, they tell which of the user's identities a reply should be written as.
import "server-only";
import type { ImapSession } from "@/lib/user-agent/imap/session";

const MAX_ADDRESSES = 10;

export function deliveredToIn(headers: string): string[] {
  const found = [...headers.matchAll(/^(?:delivered-to|x-original-to):[ \t]*<?([^\s<>@]+@[^\s<>]+?)>?[ \t]*$/gim)].map((match) => match[1].toLowerCase());
  return [...new Set(found)].slice(0, MAX_ADDRESSES);
}

export async function deliveredTo(session: ImapSession, folder: string, uid: number): Promise<string[]> {
  return session.withMailbox(folder, async (client) => {
    const message = await client.fetchOne(String(uid), { uid: true, headers: ["delivered-to", "x-original-to"] }, { uid: true });
    return message && message.headers ? deliveredToIn(message.headers.toString("latin1")) : [];
  });
}
