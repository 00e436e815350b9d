import { NextResponse } from "next/server";
import { normalizeSender, setSenderTrusted } from "@/lib/user-agent/settings/remote-content";
import { readJsonBody } from "@/lib/web/json-body";
import { jsonError, withImapSession } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";

/** "Always show images from this sender" on (trusted: true) or off. */
export async function POST(request: Request) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const body = await readJsonBody(request, 4 * 1024);
  if (!body.ok) return jsonError(body.status, body.error);
  const value = body.value as Record<string, unknown> | null;
  const sender = typeof value?.sender === "string" ? normalizeSender(value.sender) : null;
  if (sender === null || typeof value?.trusted !== "boolean") return jsonError(400, "Expected { sender: address, trusted: boolean }.");
  const trusted = value.trusted;
  return withImapSession(async (session) => {
    await setSenderTrusted(session.address, sender, trusted);
    return NextResponse.json({ ok: true });
  });
}
