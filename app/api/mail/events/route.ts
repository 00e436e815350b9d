// Live updates for the open folder as Server-Sent Events. While a browser listens, the user's pooled
// IMAP connection keeps this folder selected and IDLEs on it, so new mail, flag changes and expunges
// arrive here as the server reports them. EventSource reconnects by itself after a drop.
import type { NextRequest } from "next/server";
import type { MailboxChange } from "@/lib/user-agent/imap/session";
import type { MailboxChangeEvent } from "@/lib/user-agent/mail/types";
import { getImapSession } from "@/lib/web/auth/session";
import { folderParameter, jsonError } from "@/lib/web/mail-route";

export const dynamic = "force-dynamic";

// Below the idle timeouts of common proxies (60 s), so they keep the stream open.
const HEARTBEAT_MS = 25_000;

function toEvent(change: MailboxChange): MailboxChangeEvent {
  const { path, ...rest } = change;
  return { ...rest, folder: path } as MailboxChangeEvent;
}

export async function GET(request: NextRequest) {
  const folder = folderParameter(request.nextUrl.searchParams.get("folder"));
  if (folder === null) return jsonError(400, "Which folder? Give folder=…");
  const session = await getImapSession();
  if (!session) return jsonError(401, "Sign in first.");

  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const listener = (change: MailboxChange) => {
        if (change.path === folder) write(`event: change\ndata: ${JSON.stringify(toEvent(change))}\n\n`);
      };
      session.changes.on("change", listener);
      const unwatch = session.watch(folder);
      const heartbeat = setInterval(() => write(": keep-alive\n\n"), HEARTBEAT_MS);
      cleanup = () => {
        clearInterval(heartbeat);
        session.changes.off("change", listener);
        unwatch();
        cleanup = () => {};
      };
      request.signal.addEventListener("abort", () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // Already closed by the other side.
        }
      });
      write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ folder })}\n\n`);
    },
    cancel() {
      cleanup();
    },
  });

  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform keeps Next's gzip (and proxies) from buffering the stream.
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
