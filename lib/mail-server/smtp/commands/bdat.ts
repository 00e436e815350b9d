// BDAT (RFC 3030 CHUNKING): the message in chunks of exact byte counts, no dot-stuffing, so
// binary content arrives unchanged. The chunk is always read, even when it will be refused,
// to stay in step with a pipelining client.
import { deliverTransaction } from "../delivery";
import { SmtpError } from "../protocol";
import type { SmtpSession } from "../session";

export async function bdat(session: SmtpSession, args: string) {
  const { config } = session.context;
  const match = /^(\d{1,15})(?:\s+(LAST))?$/i.exec(args);
  if (!match) throw new SmtpError(501, "5.5.4", "Syntax: BDAT size [LAST]");
  const size = Number(match[1]);
  const last = match[2] !== undefined;
  const transaction = session.transaction;
  const refusal = !transaction
    ? new SmtpError(503, "5.5.1", "Need MAIL command")
    : !transaction.recipients.length
      ? new SmtpError(554, "5.5.1", "No valid recipients")
      : transaction.chunkBytes + size > config.maxMessageSize
        ? new SmtpError(552, "5.3.4", `Message size exceeds the limit of ${config.maxMessageSize} bytes`)
        : null;
  const keep = refusal === null;
  const pieces: Buffer[] = [];
  const complete = await session.connection.readExact(size, (piece) => {
    // Copied: a piece is a view into a larger input buffer that would otherwise stay alive.
    if (keep) pieces.push(Buffer.from(piece));
  });
  if (!complete) {
    session.resetTransaction();
    return;
  }
  if (refusal || !transaction) {
    // A refused chunk ends the transaction (RFC 3030 §2): later chunks get 503.
    session.resetTransaction();
    throw refusal ?? new SmtpError(503, "5.5.1", "Need MAIL command");
  }
  transaction.usedBdat = true;
  transaction.chunks.push(...pieces);
  transaction.chunkBytes += size;
  if (!last) {
    session.send(250, "2.0.0", `${size} octets received`);
    return;
  }
  session.resetTransaction();
  await deliverTransaction(session, transaction, Buffer.concat(transaction.chunks, transaction.chunkBytes));
}
