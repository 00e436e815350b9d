// The end of a mail transaction: trace headers are added (Received for everyone,
// Return-Path and Delivered-To per recipient), the message is parsed once, every local
// recipient's copy is stored in one atomic, durable commit, and the recipients elsewhere go
// to the outbound queue, durably too, before the 250 goes out.
import { analyzeMessage, countLines, type MessageAnalysis } from "@/lib/mime/analyze";
import { shiftStructure, type AppendRequest } from "../store";
import { SmtpError } from "./protocol";
import { rfc5322Date } from "./rfc5322-date";
import type { SmtpSession, SmtpTransaction } from "./session";
import { checkFromHeader, missingHeaders } from "./submission";
import { dkimSignatureFor } from "../queue/dkim";
import { neutralizeForgedResults } from "./authentication-results";
import { applyDeliveryRules } from "../rules/apply";

/** This many Received headers means a mail loop (RFC 5321 §6.3: "normally at least 100"). */
const MAX_HOPS = 100;

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

/**
 * One append request per account (once, even when an alias and the user were both named),
 * each with its own trace: Return-Path, and Delivered-To naming the mailbox it landed in,
 * as Postfix and Dovecot write them.
 */
export function localCopies(
  message: Buffer,
  analysis: MessageAnalysis,
  sender: string,
  received: string,
  copies: { accountId: number; address: string; envelopeInfo: object }[],
  now: Date,
): AppendRequest[] {
  const requests: AppendRequest[] = [];
  const seen = new Set<number>();
  for (const { accountId, address, envelopeInfo } of copies) {
    if (seen.has(accountId)) continue;
    seen.add(accountId);
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
      envelopeInfo,
    });
  }
  return requests;
}

export async function deliverTransaction(session: SmtpSession, transaction: SmtpTransaction, received: Buffer) {
  if (countReceived(received) >= MAX_HOPS) throw new SmtpError(554, "5.4.6", "Too many hops: mail loop detected");
  const { store, config, queue } = session.context;
  const now = new Date();
  let message = received;
  let analysis = await analyzeMessage(message);
  const submission = session.context.role === "submission";
  // Mail an authenticated user sends on (submission, or relaying through the MX port) goes out in their name only.
  if (session.user && (submission || transaction.recipients.some((r) => !r.accounts.length))) {
    await checkFromHeader(store, session.user, analysis.envelope);
    const added = submission ? missingHeaders(analysis.envelope, config.hostname, now) : "";
    if (added) {
      message = Buffer.concat([Buffer.from(added, "utf8"), message]);
      analysis = await analyzeMessage(message);
    }
  }
  const sender = transaction.from ? transaction.from.address : "";
  // Mail from other servers is checked (SPF, DKIM, DMARC); an authenticated user's is their own.
  let results = "";
  const authenticator = session.user ? null : session.context.authenticator;
  if (authenticator) {
    const cleaned = neutralizeForgedResults(message, config.hostname);
    if (cleaned !== message) {
      message = cleaned;
      analysis = await analyzeMessage(message);
    }
    results = await authenticator.headersFor(message, { ip: session.connection.remoteAddress, helo: session.helo?.name ?? null, sender });
  }
  const id = `${session.id}${(++session.messageCount).toString(36).toUpperCase()}`;
  const trace = receivedHeader(session, transaction, id, now) + results;
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

  const copies = transaction.recipients.flatMap((recipient) =>
    recipient.accounts.map((account) => ({ ...account, envelopeInfo: { ...envelopeInfo, rcpt: recipient.mailbox.address, notify: recipient.notify, orcpt: recipient.orcpt } })),
  );
  // Each account's filters, forwarding and vacation (lib/mail-server/rules); forwards are queued before the 250.
  const planned = await applyDeliveryRules(session.context, {
    message, analysis, sender, trace, requests: localCopies(message, analysis, sender, trace, copies, now),
    recipients: transaction.recipients, body: transaction.body, smtputf8: transaction.smtputf8, now, authenticated: session.user !== null,
  });
  const requests = planned.requests;
  if (requests.length) {
    await store.append(requests);
    store.traffic.count("in");
    await reportLocalDeliveries(session, transaction, sender, message, now);
  }
  const remote = transaction.recipients.filter((r) => !r.accounts.length);
  if (remote.length) {
    const signature = await dkimSignatureFor(store, analysis.envelope, message, session.context.log);
    await queue!.enqueue({
      raw: Buffer.concat([Buffer.from(trace + signature, "utf8"), message]),
      sender,
      envid: transaction.envid,
      ret: transaction.ret,
      body: transaction.body,
      smtputf8: transaction.smtputf8,
      accountId: session.user?.accountId ?? null,
      messageId: analysis.envelope.messageId ?? "",
      recipients: remote.map((r) => ({ address: r.mailbox.address, notify: r.notify, orcpt: r.orcpt })),
    });
  }
  await planned.afterStored();
  session.context.log(`smtp ${id}: stored from=<${sender}> size=${message.length} recipients=${requests.length}${remote.length ? ` queued=${remote.length}` : ""}`);
  session.send(250, "2.0.0", `Ok: ${remote.length ? "queued" : "stored"} as ${id}`);
}

/** NOTIFY=SUCCESS for recipients stored here: a "delivered" report, from the null sender. */
async function reportLocalDeliveries(session: SmtpSession, transaction: SmtpTransaction, sender: string, message: Buffer, now: Date) {
  const queue = session.context.queue;
  const asked = transaction.recipients.filter((r) => r.accounts.length && r.notify?.includes("SUCCESS"));
  if (!queue || !sender || !asked.length) return;
  try {
    await queue.reportDelivered({ sender, envid: transaction.envid ?? "", ret: transaction.ret ?? "", createdAt: now }, message, asked.map((r) => ({ address: r.mailbox.address, orcpt: r.orcpt ?? "" })));
  } catch (error) {
    // The message is stored: failing now would have the client send it again. The report is what is lost.
    session.context.log(`smtp: delivery report to <${sender}> not sent: ${error instanceof Error ? error.message : String(error)}`);
  }
}
