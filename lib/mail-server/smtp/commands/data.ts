// DATA (RFC 5321 §4.1.1.4): the message follows, dot-stuffed, up to <CRLF>.<CRLF>.
import { DotDataDecoder } from "../data-reader";
import { deliverTransaction } from "../delivery";
import { SmtpError } from "../protocol";
import type { SmtpSession } from "../session";

export async function data(session: SmtpSession, args: string) {
  const transaction = session.transaction;
  if (args) throw new SmtpError(501, "5.5.4", "Syntax: DATA (no parameters)");
  if (!transaction) throw new SmtpError(503, "5.5.1", "Need MAIL command");
  if (transaction.usedBdat) throw new SmtpError(503, "5.5.1", "DATA not allowed after BDAT");
  if (transaction.body === "BINARYMIME") throw new SmtpError(503, "5.5.1", "BODY=BINARYMIME requires BDAT (RFC 3030)");
  if (!transaction.recipients.length) throw new SmtpError(554, "5.5.1", "No valid recipients");
  session.send(354, null, "End data with <CR><LF>.<CR><LF>");
  const decoder = new DotDataDecoder(session.context.config.maxMessageSize);
  const complete = await session.connection.consume((chunk) => {
    const used = decoder.write(chunk);
    return { used, done: decoder.done };
  });
  if (!complete) {
    // The client vanished mid-DATA: nothing was stored, nothing is.
    session.resetTransaction();
    return;
  }
  session.resetTransaction();
  if (decoder.overflow) throw new SmtpError(552, "5.3.4", `Message size exceeds the limit of ${session.context.config.maxMessageSize} bytes`);
  if (decoder.bareLineEnding) {
    throw new SmtpError(550, "5.6.11", "Message refused: bare CR or LF characters; lines must end with CRLF (RFC 5321 section 2.3.8)");
  }
  await deliverTransaction(session, transaction, decoder.message());
}
