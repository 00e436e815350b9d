// RCPT TO (RFC 5321 §4.1.1.3) with NOTIFY and ORCPT (RFC 3461). Mail for local users and
// aliases is accepted; anything else only from an authenticated user, for the outbound
// queue: never an open relay. Addresses are never reinterpreted:
// user%remote@local, "user@remote"@local and remote!user@local are local parts like any
// other, found or not found here.
import { SmtpError, decodeXtext, parsePathAndParams } from "../protocol";
import type { SmtpSession } from "../session";
import { checkEnvelopeSender } from "../submission";

const NOTIFY_VALUES = new Set(["SUCCESS", "FAILURE", "DELAY"]);

export async function rcpt(session: SmtpSession, args: string) {
  const { config, store } = session.context;
  const transaction = session.transaction;
  if (!transaction) throw new SmtpError(503, "5.5.1", "Need MAIL before RCPT");
  if (transaction.usedBdat) throw new SmtpError(503, "5.5.1", "RCPT not allowed after BDAT");
  const match = /^TO:(.*)$/is.exec(args);
  if (!match) throw new SmtpError(501, "5.5.4", "Syntax: RCPT TO:<address>");
  const { mailbox, params } = parsePathAndParamsOrThrow(match[1], transaction.smtputf8);
  if (params.size && !session.helo?.extended) throw new SmtpError(555, "5.5.4", "Parameters need EHLO");
  let notify: string[] | null = null;
  let orcpt: string | null = null;
  for (const [key, value] of params) {
    if (key === "NOTIFY") {
      const values = (value ?? "").toUpperCase().split(",");
      const valid = values.length === 1 && values[0] === "NEVER" ? true : values.every((v) => NOTIFY_VALUES.has(v));
      if (!value || !valid) throw new SmtpError(501, "5.5.4", "Syntax: NOTIFY=NEVER or SUCCESS,FAILURE,DELAY");
      notify = values;
    } else if (key === "ORCPT") {
      const semicolon = (value ?? "").indexOf(";");
      const decoded = semicolon > 0 ? decodeXtext(value!.slice(semicolon + 1)) : null;
      if (decoded === null || !/^[A-Za-z0-9-]+$/.test(value!.slice(0, semicolon))) throw new SmtpError(501, "5.5.4", "Syntax: ORCPT=addr-type;xtext");
      orcpt = `${value!.slice(0, semicolon)};${decoded}`;
    } else {
      throw new SmtpError(555, "5.5.4", `Unsupported parameter ${key}`);
    }
  }
  if (transaction.recipients.length >= config.smtp.maxRecipients) throw new SmtpError(452, "4.5.3", "Too many recipients");
  const rcptMailbox = mailbox!;

  if (rcptMailbox.domain === "") rcptMailbox.domain = config.domains[0] ?? config.hostname;
  if (rcptMailbox.literal || !(await store.accounts.isLocalDomain(rcptMailbox.domain))) {
    if (!session.user || !session.context.queue) throw new SmtpError(554, "5.7.1", `Relay access denied: ${rcptMailbox.domain} is not a domain of this server`);
    // Relaying through the MX port with AUTH: the same rule as submission, checked once a recipient makes it relaying.
    if (session.context.role === "mx") await checkEnvelopeSender(store, session.user, transaction.from?.address ?? null);
    transaction.recipients.push({ mailbox: rcptMailbox, accounts: [], notify, orcpt });
    session.send(250, "2.1.5", "Recipient OK");
    return;
  }
  const accounts = await store.accounts.resolve(rcptMailbox.localUnquoted, rcptMailbox.domain);
  if (!accounts.length) throw new SmtpError(550, "5.1.1", `<${rcptMailbox.address}>: Recipient address rejected: no such user here`);
  const incoming = BigInt(transaction.size ?? 0);
  const withRoom = accounts.filter((a) => a.usedBytes + incoming <= a.quotaBytes);
  if (!withRoom.length) throw new SmtpError(452, "4.2.2", `<${rcptMailbox.address}>: Mailbox full, try again later`);
  transaction.recipients.push({ mailbox: rcptMailbox, accounts: withRoom.map((a) => ({ accountId: a.accountId, address: a.address })), notify, orcpt });
  session.send(250, "2.1.5", "Recipient OK");
}

function parsePathAndParamsOrThrow(text: string, smtputf8: boolean) {
  return parsePathAndParams(text, { allowNull: false, allowUtf8: smtputf8, allowPostmaster: true });
}
