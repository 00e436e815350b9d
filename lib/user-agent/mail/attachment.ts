// Downloading one attachment, streamed from the IMAP server to the browser. The mailbox lock is held
// until the last byte is sent: imapflow fetches a large part in chunks, and another request selecting
// a different folder in between would make the next chunk come from the wrong mailbox.
import "server-only";
import { Readable } from "node:stream";
import type { ImapSession } from "@/lib/user-agent/imap/session";

export interface AttachmentStream {
  filename: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

export async function openAttachment(session: ImapSession, folder: string, uid: number, part: string): Promise<AttachmentStream | null> {
  return new Promise<AttachmentStream | null>((resolve, reject) => {
    session
      .withMailbox(folder, async (client) => {
        const download = await client.download(String(uid), part, { uid: true });
        if (!download.content) {
          resolve(null);
          return;
        }
        const finished = new Promise<void>((done) => {
          download.content.once("end", done).once("close", done).once("error", () => done());
        });
        resolve({
          filename: download.meta.filename ?? `attachment-${part}`,
          contentType: download.meta.contentType ?? "application/octet-stream",
          body: Readable.toWeb(download.content) as ReadableStream<Uint8Array>,
        });
        await finished;
      })
      .catch(reject);
  });
}
