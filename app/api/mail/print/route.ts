import type { NextRequest } from "next/server";
import { printDocument } from "@/lib/user-agent/html/document";
import { withMessageForReader } from "@/lib/web/mail-route";

/**
 * The print view: headers and the sanitised body in one document, so the whole message prints (a
 * sandboxed frame in the reading pane would print only its visible part). Sandboxed without scripts;
 * allow-same-origin only so that the webmail page can call print() on the frame it loads it in.
 */
export function GET(request: NextRequest) {
  return withMessageForReader(request.nextUrl.searchParams, (message) => {
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
