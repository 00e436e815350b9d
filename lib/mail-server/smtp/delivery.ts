// The end of a mail transaction: trace headers are added (Received for everyone,
// Return-Path and Delivered-To per recipient), the message is parsed once, and every local
// recipient's copy is stored in one atomic, durable commit before the 250 goes out.
import { analyzeMessage, countLines } from "@/lib/mime/analyze";
import { shiftStructure, type AppendRequest } from "../store";
import { SmtpError } from "./protocol";
import type { SmtpSession, SmtpTransaction } from "./session";

/** This many Received headers means a mail loop (RFC 5321 §6.3: "normally at least 100"). */
const MAX_HOPS = 100;

export function rfc5322Date(date: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${days[date.getUTCDay()]}, ${date.getUTCDate()} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** RFC 3848 / RFC 6531 "with" keyword. */
function protocolName(session: SmtpSession, transaction: SmtpTransaction): string {
  if (!session.helo?.extended) return "SMTP";
  const base = transaction.smtputf8 ? "UTF8SMTP" : "ESMTP";
  return `${base}${session.connection.secure ? "S" : ""}${session.user ? "A" : ""}`;
}

function countReceived(raw: Buffer): number {
  const headerEnd = raw.indexOf("\r\n\r\n");
  const head = raw.subarray(0, headerEnd === -1 ? Math.min(raw.length, 256 * 1024) : headerEnd).toString("latin1");
  return (head.match(/^Received:/gim) ?? []).length;
}

function receivedHeader(session: SmtpSession, transaction: SmtpTransaction, id: string, now: Date): string {
  const { connection, context } = session;
  const tls = connection.secure && connection.tlsProtocol ? `\r\n\t(using ${connection.tlsProtocol} with cipher ${connection.tlsCipher})` : "";
  const single = transaction.recipients.length === 1 ? `\r\n\tfor <${transaction.recipients[0].mailbox.address}>` : "";
  return (
    `Received: from ${session.helo?.name ?? "unknown"} ([${connection.remoteAddress}])${tls}\r\n` +
    `\tby ${context.config.hostname} with ${protocolName(session, transaction)} id ${id}${single};\r\n` +
    `\t${rfc5322Date(now)}\r\n`
  );
}

export async function deliverTransaction(session: SmtpSession, transaction: SmtpTransaction, message: Buffer) {
  if (countReceived(message) >= MAX_HOPS) throw new SmtpError(554, "5.4.6", "Too many hops: mail loop detected");
  const now = new Date();
  const analysis = await analyzeMessage(message);
  const id = `${session.id}${(++session.messageCount).toString(36).toUpperCase()}`;
  const received = receivedHeader(session, transaction, id, now);
  const sender = transaction.from ? transaction.from.address : "";
  const envelopeInfo = {
    from: sender,
    size: transaction.size,
    body: transaction.body,
    smtputf8: transaction.smtputf8,
    ret: transaction.ret,
    envid: transaction.envid,
    remoteAddress: session.connection.remoteAddress,
    helo: session.helo?.name ?? null,
    tls: session.connection.secure,
    authenticatedAs: session.user?.address ?? null,
    receivedAt: now.toISOString(),
  };

  // One copy per account, even when an alias and the user were both named.
  const requests: AppendRequest[] = [];
  const seen = new Set<number>();
  for (const recipient of transaction.recipients) {
    for (const { accountId, address } of recipient.accounts) {
      if (seen.has(accountId)) continue;
      seen.add(accountId);
      // Delivered-To names the mailbox it landed in, as Postfix and Dovecot write it.
      const prefix = Buffer.from(`Return-Path: <${sender}>\r\nDelivered-To: ${address}\r\n${received}`, "utf8");
      requests.push({
        accountId,
        raw: Buffer.concat([prefix, message]),
        analysis: {
          ...analysis,
          size: analysis.size + prefix.length,
          headerSize: analysis.headerSize + prefix.length,
          lines: analysis.lines + countLines(prefix),
          structure: shiftStructure(analysis.structure, prefix.length),
        },
        internalDate: now,
        envelopeInfo: { ...envelopeInfo, rcpt: recipient.mailbox.address, notify: recipient.notify, orcpt: recipient.orcpt },
      });
    }
  }
  await session.context.store.append(requests);
  session.context.log(`smtp ${id}: stored from=<${sender}> size=${message.length} recipients=${requests.length}`);
  session.send(250, "2.0.0", `Ok: stored as ${id}`);
}
