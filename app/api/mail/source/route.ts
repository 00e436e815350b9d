import type { NextRequest } from "next/server";
import { openSource } from "@/lib/user-agent/mail/message";
import { contentDisposition } from "@/lib/web/content-disposition";
import { jsonError, messageParameters, withImapSession } from "@/lib/web/mail-route";

/**
 * The raw message: as text for "view source" (the page shows it escaped), or as a .eml file named
 * after the subject with download=1. Either way inert: no type a browser renders, nosniff, a sandbox.
 */
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const named = messageParameters(params);
  if (!named) return jsonError(400, "Give folder=… and uid=….");
  const { folder, uid } = named;
  const download = params.get("download") === "1";
  return withImapSession(async (session) => {
    const source = await openSource(session, folder, uid);
    if (!source) return jsonError(404, "This message is no longer in the folder.");
    const name = `${source.subject.trim().slice(0, 120) || `message-${uid}`}.eml`;
    return new Response(source.body, {
      headers: {
        // Mail is bytes in whatever charsets its parts declare; the viewer decodes it as UTF-8 and shows the rest as replacement characters.
        "content-type": download ? "message/rfc822" : "text/plain; charset=utf-8",
        "content-disposition": contentDisposition(download ? "attachment" : "inline", name),
        "content-security-policy": "sandbox; default-src 'none'",
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
      },
    });
  });
}
