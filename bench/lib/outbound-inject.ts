/**
 * Fills our outbound queue for bench/outbound.ts, in its own process, before the mail server starts:
 * `node --import tsx bench/lib/outbound-inject.ts COUNT SIZE RECIPIENT` with the server's environment.
 *
 * QueueStore.enqueue is what submission calls once a message is accepted, so the queue holds exactly
 * what it would after submission; only delivery is left for the timed part. Each message is distinct
 * (its own Message-ID and counter) so the blob store cannot share one copy among them.
 */
import { loadConfig } from "../../lib/config";
import { MailStore } from "../../lib/mail-server/store";
import { QueueStore } from "../../lib/mail-server/queue/store";

const SENDER_DOMAIN = "bench.test";

/** A plain ~size-byte message, like smtp-source's: a few headers and lines of text. */
function benchMessage(i: number, size: number, recipient: string): Buffer {
  const headers = [
    `From: <sender@${SENDER_DOMAIN}>`,
    `To: <${recipient}>`,
    `Subject: outbound bench ${i}`,
    `Date: ${new Date().toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <bench-${i}-${process.pid}@${SENDER_DOMAIN}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=us-ascii",
    "",
  ].join("\r\n");
  const line = `message ${i} ${"x".repeat(70)}`.slice(0, 76) + "\r\n";
  const body = line.repeat(Math.max(1, Math.ceil((size - headers.length) / line.length)));
  return Buffer.from(`${headers}\r\n${body}`, "latin1");
}

async function main(): Promise<void> {
  const [count, size, recipient] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
  if (!Number.isInteger(count) || count <= 0 || !Number.isInteger(size) || size <= 0 || !recipient?.includes("@")) {
    throw new Error("usage: outbound-inject.ts COUNT SIZE RECIPIENT");
  }
  const store = await MailStore.open(loadConfig());
  try {
    const queue = new QueueStore(store.sql, store.blobs);
    // One enqueue at a time: the runner serialises transactions anyway, and this keeps memory flat.
    for (let i = 0; i < count; i++) {
      const raw = benchMessage(i, size, recipient);
      await queue.enqueue({ raw, sender: `sender@${SENDER_DOMAIN}`, envid: null, ret: null, body: "7BIT", smtputf8: false, accountId: null, messageId: `<bench-${i}>`, recipients: [{ address: recipient, notify: null, orcpt: null }] });
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
