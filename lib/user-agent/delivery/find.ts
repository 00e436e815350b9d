// Finding the delivery reports about a sent message, over IMAP only (the webmail works against any
// server). Reports land in INBOX; they are found with one SEARCH for the Content-Type every DSN has
// (HEADER Content-Type "delivery-status") since the day before the message was sent, newest
// MAX_CANDIDATES of them. Each candidate's first MAX_REPORT_BYTES are fetched and parsed once: a
// message never changes, so the parsed report is cached by (account, UIDVALIDITY, UID), and the
// SEARCH result by the mailbox's state (UIDNEXT, EXISTS). Opening sent messages one after another
// costs one STATUS while INBOX stays as it was (no SELECT away from the folder being read), a SEARCH
// when it changed, and a fetch only for reports not seen before.
import "server-only";
import type { ImapFlow, MailboxObject } from "imapflow";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import { toAddresses } from "@/lib/user-agent/mail/list";
import { deliveryByRecipient, ENVELOPE_ID_HEADER, MAX_REPORT_BYTES, parseDeliveryReport, reportMatches, type DeliveryReport, type SentDelivery } from "./report";

const REPORTS_FOLDER = "INBOX";
/** Reports looked at for one sent message: the newest ones since it was sent. */
const MAX_CANDIDATES = 300;
/** Reports can be written before the Date of the message, by a server whose clock is behind. */
const CLOCK_SLACK_MS = 24 * 60 * 60 * 1000;
/** Parsed reports kept for the whole process, all users: a few hundred bytes each. */
const MAX_CACHED_REPORTS = 5000;

const parsedReports = new Map<string, DeliveryReport | null>();

function remember(key: string, report: DeliveryReport | null) {
  // Oldest first out: a Map iterates in insertion order.
  if (parsedReports.size >= MAX_CACHED_REPORTS) parsedReports.delete(parsedReports.keys().next().value!);
  parsedReports.set(key, report);
}

interface MailboxState {
  uidValidity: bigint;
  uidNext: number;
  exists: number;
}

interface CandidateList extends MailboxState {
  since: number;
  uids: number[];
}

const candidatesKey = (path: string) => `${path}\0delivery-reports`;
const reportKey = (session: ImapSession, path: string, uidValidity: bigint, uid: number) => `${session.address}\0${path}\0${uidValidity}\0${uid}`;

/** The report UIDs found earlier, if the mailbox is as it was then and they were searched for far enough back. */
function cachedCandidates(session: ImapSession, path: string, state: MailboxState, since: Date): number[] | null {
  const cached = session.caches.get(candidatesKey(path)) as CandidateList | undefined;
  const same = cached && cached.uidValidity === state.uidValidity && cached.uidNext === state.uidNext && cached.exists === state.exists && cached.since <= since.getTime();
  return same ? cached.uids.slice(-MAX_CANDIDATES) : null;
}

/** UIDs of the delivery reports in the open mailbox since `since`, ascending, the newest MAX_CANDIDATES. */
async function candidates(session: ImapSession, client: ImapFlow, mailbox: MailboxObject, since: Date): Promise<number[]> {
  const cached = cachedCandidates(session, mailbox.path, mailbox, since);
  if (cached) return cached;
  if (mailbox.exists === 0) return [];
  const day = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()));
  const found = await client.search({ header: { "content-type": "delivery-status" }, since: day }, { uid: true });
  const uids = (Array.isArray(found) ? found : []).sort((a, b) => a - b);
  session.caches.set(candidatesKey(mailbox.path), { uidValidity: mailbox.uidValidity, uidNext: mailbox.uidNext, exists: mailbox.exists, since: day.getTime(), uids } satisfies CandidateList);
  return uids.slice(-MAX_CANDIDATES);
}

/** The parsed reports among `uids` (oldest first), fetching only those not parsed before. */
async function reportsAmong(session: ImapSession, client: ImapFlow, mailbox: MailboxObject, uids: number[]): Promise<{ uid: number; report: DeliveryReport }[]> {
  const keyOf = (uid: number) => reportKey(session, mailbox.path, mailbox.uidValidity, uid);
  const missing = uids.filter((uid) => !parsedReports.has(keyOf(uid)));
  if (missing.length > 0) {
    for await (const message of client.fetch(missing.join(","), { uid: true, source: { maxLength: MAX_REPORT_BYTES } }, { uid: true })) {
      remember(keyOf(message.uid), message.source ? await parseDeliveryReport(message.source) : null);
    }
    // Expunged meanwhile, or not fetchable: not a report, and not asked for again.
    for (const uid of missing) if (!parsedReports.has(keyOf(uid))) remember(keyOf(uid), null);
  }
  return uids.flatMap((uid) => {
    const report = parsedReports.get(keyOf(uid));
    return report ? [{ uid, report }] : [];
  });
}

/** The reports in INBOX since `since`, oldest first: from the caches alone while STATUS says INBOX is unchanged. */
async function reportsSince(session: ImapSession, since: Date): Promise<{ uid: number; report: DeliveryReport }[]> {
  const status = await session.withConnection((client) => client.status(REPORTS_FOLDER, { uidNext: true, messages: true, uidValidity: true }));
  if (status && status.uidValidity !== undefined && status.uidNext !== undefined && status.messages !== undefined) {
    const uidValidity = status.uidValidity;
    const uids = cachedCandidates(session, REPORTS_FOLDER, { uidValidity, uidNext: status.uidNext, exists: status.messages }, since);
    const reports = uids?.map((uid) => ({ uid, report: parsedReports.get(reportKey(session, REPORTS_FOLDER, uidValidity, uid)) }));
    if (reports?.every((entry) => entry.report !== undefined)) return reports.flatMap(({ uid, report }) => (report ? [{ uid, report }] : []));
  }
  return session.withMailbox(REPORTS_FOLDER, async (client, mailbox) => reportsAmong(session, client, mailbox, await candidates(session, client, mailbox, since)));
}

/** The header value of `name` in a fetched header block, unfolded; null without one. */
function headerValue(headers: Buffer | undefined, name: string): string | null {
  const text = headers?.toString("utf8").replace(/\r?\n[ \t]+/g, " ") ?? "";
  const match = new RegExp(`^${name}:[ \\t]*(.{1,250})$`, "im").exec(text);
  return match ? match[1].trim() : null;
}

/** What became of each recipient of the message at folder/uid, as far as the reports in INBOX tell; null when there is no such message. */
export async function deliveryOfSent(session: ImapSession, folder: string, uid: number): Promise<SentDelivery | null> {
  const sent = await session.withMailbox(folder, (client) => client.fetchOne(String(uid), { uid: true, envelope: true, internalDate: true, headers: [ENVELOPE_ID_HEADER] }, { uid: true }));
  if (!sent || !sent.envelope) return null;
  const envelope = sent.envelope;
  const envelopeId = headerValue(sent.headers, ENVELOPE_ID_HEADER);
  const sentAt = envelope.date ? new Date(envelope.date) : sent.internalDate ? new Date(sent.internalDate) : new Date(0);
  const since = new Date((Number.isNaN(sentAt.getTime()) ? 0 : sentAt.getTime()) - CLOCK_SLACK_MS);
  const identity = { messageId: envelope.messageId ?? null, envelopeId };
  const matching = (await reportsSince(session, since)).filter(({ report }) => reportMatches(report, identity));
  const byAddress = new Map(deliveryByRecipient(matching.map(({ uid: reportUid, report }) => ({ report, folder: REPORTS_FOLDER, uid: reportUid }))).map((entry) => [(entry.originalRecipient ?? entry.finalRecipient).toLowerCase(), entry]));
  const recipients = [...toAddresses(envelope.to), ...toAddresses(envelope.cc), ...toAddresses(envelope.bcc)];
  const listed = recipients.map((address) => {
    const key = address.address.toLowerCase();
    const delivery = byAddress.get(key) ?? null;
    byAddress.delete(key);
    return { address, delivery };
  });
  // Reported under another address (an alias the far end expanded, a Bcc the copy did not keep): shown as well.
  for (const delivery of byAddress.values()) listed.push({ address: { name: "", address: delivery.finalRecipient }, delivery });
  return { requested: envelopeId !== null, recipients: listed };
}

/** The report at folder/uid, read for people; null when it is no delivery report. */
export async function openDeliveryReport(session: ImapSession, folder: string, uid: number): Promise<DeliveryReport | null> {
  return session.withMailbox(folder, async (client, mailbox) => (await reportsAmong(session, client, mailbox, [uid]))[0]?.report ?? null);
}
