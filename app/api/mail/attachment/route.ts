import type { NextRequest } from "next/server";
import { openAttachment } from "@/lib/user-agent/mail/attachment";
import { contentDisposition, isPreviewable, safeContentType } from "@/lib/web/content-disposition";
import { folderParameter, jsonError, partParameter, uidParameter, withImapSession } from "@/lib/web/mail-route";

export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const folder = folderParameter(params.get("folder"));
  const uid = uidParameter(params.get("uid"));
  const part = partParameter(params.get("part"));
  if (folder === null || uid === null || part === null) return jsonError(400, "Give folder=…, uid=… and part=….");
  return withImapSession(async (session) => {
    const attachment = await openAttachment(session, folder, uid, part);
    if (!attachment) return jsonError(404, "This attachment is no longer there.");
    const type = safeContentType(attachment.contentType);
    // Preview (inline=1) only for types the browser shows without running anything; the rest download.
    const inline = params.get("inline") === "1" && isPreviewable(type);
    return new Response(attachment.body, {
      headers: {
        "content-type": type,
        "content-disposition": contentDisposition(inline ? "inline" : "attachment", attachment.filename),
        // Even if a browser rendered it (an HTML or SVG file), it would run in a sandbox with nothing allowed.
        "content-security-policy": "sandbox; default-src 'none'",
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
      },
    });
  });
}
