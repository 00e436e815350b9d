// MAIL FROM (RFC 5321 §4.1.1.2) with SIZE (RFC 1870), BODY (RFC 6152, RFC 3030),
// SMTPUTF8 (RFC 6531), RET and ENVID (RFC 3461), AUTH (RFC 4954, accepted and ignored).
// On the submission ports only an authenticated user may send, and only from their own
// addresses.
import { decodeXtext, parsePathAndParams, SmtpError } from "../protocol";
import type { BodyType, SmtpSession } from "../session";
import { checkEnvelopeSender } from "../submission";

export async function mail(session: SmtpSession, args: string) {
  const { config } = session.context;
  if (!session.helo) throw new SmtpError(503, "5.5.1", "Send EHLO or HELO first");
  if (session.transaction) throw new SmtpError(503, "5.5.1", "Nested MAIL command");
  if (session.context.role === "submission" && !session.user) throw new SmtpError(530, "5.7.0", "Authentication required");
  const match = /^FROM:(.*)$/is.exec(args);
  if (!match) throw new SmtpError(501, "5.5.4", "Syntax: MAIL FROM:<address>");
  const { mailbox, params } = parsePathAndParams(match[1], { allowNull: true, allowUtf8: true });
  if (params.size && !session.helo.extended) throw new SmtpError(555, "5.5.4", "Parameters need EHLO");
  if (mailbox?.utf8 && !params.has("SMTPUTF8")) throw new SmtpError(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter");

  let size: number | null = null;
  let body: BodyType = "7BIT";
  let smtputf8 = false;
  let ret: "FULL" | "HDRS" | null = null;
  let envid: string | null = null;
  for (const [key, value] of params) {
    switch (key) {
      case "SIZE":
        if (!value || !/^\d{1,15}$/.test(value)) throw new SmtpError(501, "5.5.4", "Syntax: SIZE=number");
        size = Number(value);
        if (size > config.maxMessageSize) throw new SmtpError(552, "5.3.4", `Message size exceeds the limit of ${config.maxMessageSize} bytes`);
        break;
      case "BODY": {
        const upper = (value ?? "").toUpperCase();
        if (upper !== "7BIT" && upper !== "8BITMIME" && upper !== "BINARYMIME") throw new SmtpError(501, "5.5.4", "Syntax: BODY=7BIT|8BITMIME|BINARYMIME");
        body = upper;
        break;
      }
      case "SMTPUTF8":
        if (value !== null) throw new SmtpError(501, "5.5.4", "SMTPUTF8 takes no value");
        smtputf8 = true;
        break;
      case "RET": {
        const upper = (value ?? "").toUpperCase();
        if (upper !== "FULL" && upper !== "HDRS") throw new SmtpError(501, "5.5.4", "Syntax: RET=FULL|HDRS");
        ret = upper;
        break;
      }
      case "ENVID": {
        const decoded = value === null ? null : decodeXtext(value);
        if (decoded === null || decoded.length > 100) throw new SmtpError(501, "5.5.4", "Syntax: ENVID=xtext (at most 100 characters)");
        envid = decoded;
        break;
      }
      case "AUTH":
        break;
      default:
        throw new SmtpError(555, "5.5.4", `Unsupported parameter ${key}`);
    }
  }
  if (session.user && session.context.role === "submission") await checkEnvelopeSender(session.context.store, session.user, mailbox?.address ?? null);
  session.transaction = { from: mailbox, size, body, smtputf8, ret, envid, recipients: [], chunks: [], chunkBytes: 0, usedBdat: false };
  session.send(250, "2.1.0", "Sender OK");
}
