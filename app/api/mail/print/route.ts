import type { NextRequest } from "next/server";
import { printDocument } from "@/lib/user-agent/html/document";
import { openMessageForReader } from "@/lib/user-agent/mail/message";
import { jsonError, messageParameters, withImapSession } from "@/lib/web/mail-route";

/**
 * The print view: headers and the sanitised body in one document, so the whole message prints (a
 * sandboxed frame in the reading pane would print only its visible part). Sandboxed without scripts;
 * allow-same-origin only so that the webmail page can call print() on the frame it loads it in.
 */
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const named = messageParameters(params);
  if (!named) return jsonError(400, "Give folder=… and uid=….");
  const { folder, uid } = named;
  const allowRemote = params.get("remote") === "1";
  return withImapSession(async (session) => {
    const message = await openMessageForReader(session, folder, uid, allowRemote);
    if (!message) return jsonError(404, "This message is no longer in the folder.");
    const remote = message.remoteContentAllowed ? " https: http:" : "";
    return new Response(printDocument(message), {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": `sandbox allow-same-origin allow-modals; default-src 'none'; img-src data:${remote}; style-src 'unsafe-inline'${remote}; font-src data:${remote}; form-action 'none'; base-uri 'none'`,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": "private, no-store",
      },
    });
  });
}
