// "Undo send": a sent message waits out the user's undo window on the server, not in the browser. It is
// kept in Drafts meanwhile (so a crash or a restart loses nothing) with a WebmailPendingSend row naming
// it; this web process submits it when the window ends, whether or not the tab is still open, and after
// a restart the sweep finds what was due. Undo deletes the row before it is claimed, and the composer
// reopens the draft. A send is claimed with a lease (state "sending", lockedUntil), so one web process
// sends it; one that died while sending leaves the lease to expire and the message is sent again later
// (at least once, never lost).
import "server-only";
import type { Prisma } from "@/lib/db";
import { imapEndpoint } from "@/lib/user-agent/imap/endpoint";
import { ImapSession } from "@/lib/user-agent/imap/session";
import type { Address } from "@/lib/user-agent/mail/types";
import { webmailDatabase } from "@/lib/user-agent/webmail-database";
import { sealPassword, unsealPassword } from "@/lib/web/password-seal";
import { getServerKeys } from "@/lib/web/server-secret";
import { draftsFolder, storeDraft } from "./drafts";
import { envelopeOf, type OutgoingAttachment } from "./mime";
import { afterSubmission, newEnvelopeId, ownCopy, prepare, withEnvelopeId } from "./send";
import { messageSizeLimit } from "./size-limit";
import { submit, SubmissionError, type SubmissionDsn, type Submitted } from "./submission";
import type { OutgoingMessage, ScheduledSend, SendFailure, SourceMessage } from "./types";
import { processWide } from "@/lib/web/process-wide";

const LEASE_MS = 5 * 60_000;
const SWEEP_MS = 15_000;
/** Sent rows stay this long for the composer to read their outcome. */
const KEEP_OUTCOME_MS = 24 * 3600_000;
/** Failed rows stay until the user has read why (failedSends), or this long. */
const KEEP_FAILURE_MS = 30 * 24 * 3600_000;

interface StoredEnvelope {
  from: string;
  to: string[];
  /** With names, for the address book's recent correspondents. */
  recipients: Address[];
  dsn: SubmissionDsn | null;
}

export type PendingState =
  | { state: "pending" | "sending"; draft: number }
  /** Sent; `rejected` names the recipients refused at RCPT while the others took it. */
  | { state: "sent"; draft: number; rejected: Submitted["rejected"] }
  | { state: "failed"; draft: number; failure: SendFailure; detail: string };

/** A sent row's `detail`: the refused recipients as JSON ("" when none). */
function refusedOf(detail: string): Submitted["rejected"] {
  if (!detail) return [];
  try {
    const value: unknown = JSON.parse(detail);
    return Array.isArray(value) ? value.filter((entry): entry is Submitted["rejected"][number] => typeof entry?.address === "string" && typeof entry?.answer === "string") : [];
  } catch {
    return [];
  }
}

const passwordContext = (owner: string) => `pending send of ${owner.toLowerCase()}`;

/** The message without its Bcc field: what recipients get (the copy in Drafts and Sent keeps it). */
export function withoutBcc(raw: Buffer): Buffer {
  const text = raw.toString("latin1");
  const end = text.search(/\r?\n\r?\n/);
  const head = end === -1 ? text : text.slice(0, end);
  const lines = head.split(/\r?\n/);
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = /^bcc:/i.test(line);
    if (!dropping) kept.push(line);
  }
  return Buffer.concat([Buffer.from(kept.join("\r\n"), "latin1"), raw.subarray(Buffer.byteLength(head, "latin1"))]);
}

/**
 * Composes `message`, keeps it in Drafts and schedules it to leave in `delaySeconds`. The draft it
 * continues is replaced by this version, which the user gets back on undo.
 */
export async function scheduleSend(session: ImapSession, password: string, message: OutgoingMessage, uploads: OutgoingAttachment[], delaySeconds: number): Promise<ScheduledSend> {
  const prisma = await webmailDatabase();
  const limit = await messageSizeLimit();
  const draft = await prepare(session, message, uploads, limit);
  const saved = await storeDraft(session, await ownCopy(draft, limit), draft.date, message.draft);
  const dsn: SubmissionDsn | null = message.deliveryReports ? { envelopeId: newEnvelopeId(), notify: ["success", "failure", "delay"] } : null;
  const envelope: StoredEnvelope = { ...envelopeOf(draft), recipients: [...draft.to, ...draft.cc, ...draft.bcc], dsn };
  const sendAt = new Date(Date.now() + delaySeconds * 1000);
  const row = await prisma.webmailPendingSend.create({
    data: {
      owner: session.address.toLowerCase(),
      sealedPassword: sealPassword(password, getServerKeys().passwordSealKey, passwordContext(session.address)),
      draftUid: saved.uid,
      messageId: draft.messageId,
      envelope: JSON.stringify(envelope),
      answers: message.source ? JSON.stringify(message.source) : "",
      sendAt,
    },
  });
  pendingSends().at(row.id, sendAt);
  return { id: row.id, sendAt: sendAt.toISOString(), draft: saved.uid };
}

/** A send that failed after its window (the page may have been closed by then): to whom, and why. */
export interface FailedSend {
  id: number;
  draft: number;
  to: string[];
  failure: SendFailure;
  detail: string;
  at: string;
}

/** The user's sends that failed and that they have not been told of yet, newest first. */
export async function failedSends(prisma: Prisma, owner: string): Promise<FailedSend[]> {
  const rows = await prisma.webmailPendingSend.findMany({ where: { owner: owner.toLowerCase(), state: "failed" }, orderBy: { createdAt: "desc" }, take: 20 });
  return rows.map((row) => {
    let to: string[] = [];
    try {
      to = (JSON.parse(row.envelope) as StoredEnvelope).recipients.map((recipient) => recipient.address);
    } catch {
      // An unreadable envelope still says that something failed.
    }
    const failure = (["unreachable", "password", "refused"] as const).find((value) => value === row.failure) ?? "refused";
    return { id: row.id, draft: row.draftUid, to, failure, detail: row.detail, at: row.sendAt.toISOString() };
  });
}

/** The user has read why a send failed: it is not said again (the message stays in Drafts). */
export async function dismissFailedSend(prisma: Prisma, owner: string, id: number): Promise<boolean> {
  const { count } = await prisma.webmailPendingSend.deleteMany({ where: { id, owner: owner.toLowerCase(), state: "failed" } });
  return count === 1;
}

/** Undo: the draft to reopen, or null when it is no longer waiting (sending or sent already). */
export async function cancelSend(prisma: Prisma, owner: string, id: number): Promise<number | null> {
  const row = await prisma.webmailPendingSend.findFirst({ where: { id, owner: owner.toLowerCase(), state: "pending" } });
  if (!row) return null;
  // Only while nobody claimed it: the claim and this delete can't both succeed.
  const { count } = await prisma.webmailPendingSend.deleteMany({ where: { id, state: "pending" } });
  pendingSends().forget(id);
  return count === 1 ? row.draftUid : null;
}

export async function sendState(prisma: Prisma, owner: string, id: number): Promise<PendingState | null> {
  const row = await prisma.webmailPendingSend.findFirst({ where: { id, owner: owner.toLowerCase() } });
  if (!row) return null;
  if (row.state === "failed") return { state: "failed", draft: row.draftUid, failure: (["unreachable", "password", "refused"] as const).find((value) => value === row.failure) ?? "refused", detail: row.detail };
  if (row.state === "sent") return { state: "sent", draft: row.draftUid, rejected: refusedOf(row.detail) };
  return { state: row.state === "sending" ? "sending" : "pending", draft: row.draftUid };
}

type Row = NonNullable<Awaited<ReturnType<Prisma["webmailPendingSend"]["findUnique"]>>>;

/** The message's bytes from Drafts, or null when that draft is gone or is another message now. */
async function readDraftBytes(session: ImapSession, row: Row): Promise<Buffer | null> {
  const path = await draftsFolder(session);
  return session.withMailbox(path, async (client) => {
    const message = await client.fetchOne(String(row.draftUid), { uid: true, source: true, envelope: true }, { uid: true });
    if (!message || !message.source || message.envelope?.messageId !== row.messageId) return null;
    return message.source;
  });
}

/** Submits a claimed row's message and records the outcome on the row. */
async function deliver(prisma: Prisma, row: Row): Promise<void> {
  const password = unsealPassword(row.sealedPassword, getServerKeys().passwordSealKey, passwordContext(row.owner));
  const finish = (data: { state: string; failure?: string; detail?: string }) => prisma.webmailPendingSend.update({ where: { id: row.id }, data: { ...data, sealedPassword: "", lockedUntil: null } });
  if (password === null) {
    await finish({ state: "failed", failure: "password", detail: "The webmail's key changed since the message was scheduled." });
    return;
  }
  const session = new ImapSession(`pending-send-${row.id}`, row.owner, { user: row.owner, pass: password }, imapEndpoint());
  try {
    const raw = await readDraftBytes(session, row);
    if (!raw) {
      await finish({ state: "failed", failure: "refused", detail: "The message was changed or removed from Drafts before it left." });
      return;
    }
    const envelope = JSON.parse(row.envelope) as StoredEnvelope;
    const source = row.answers ? (JSON.parse(row.answers) as SourceMessage) : null;
    let submitted: Submitted;
    try {
      submitted = await submit(withoutBcc(raw), { from: envelope.from, to: envelope.to }, { user: row.owner, pass: password }, undefined, envelope.dsn);
    } catch (error) {
      if (!(error instanceof SubmissionError)) throw error;
      // It stays in Drafts, where the user finds it; the composer polling this row says why.
      await finish({ state: "failed", failure: error.failure, detail: error.detail });
      return;
    }
    // Recipients refused while the others took it: the page that polls this row says who and why.
    await finish({ state: "sent", detail: submitted.rejected.length ? JSON.stringify(submitted.rejected) : "" });
    await afterSubmission(session, password, envelope.dsn ? withEnvelopeId(raw, envelope.dsn.envelopeId) : raw, row.createdAt, envelope.recipients, source, row.draftUid);
  } finally {
    await session.close();
  }
}

/** This process's timers for the sends it scheduled, and the sweep for the rest (restarts, other processes). */
export class PendingSendService {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(private readonly database: () => Promise<Prisma> = () => webmailDatabase()) {}

  start(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
    void this.sweep();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  at(id: number, sendAt: Date): void {
    this.forget(id);
    const timer = setTimeout(() => {
      this.timers.delete(id);
      void this.run(id);
    }, Math.max(0, sendAt.getTime() - Date.now()));
    this.timers.set(id, timer);
  }

  forget(id: number): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
  }

  /** Sends everything due that nobody holds, and forgets old outcomes. */
  sweep(): Promise<void> {
    this.sweeping ??= (async () => {
      const prisma = await this.database();
      const now = new Date();
      const due = await prisma.webmailPendingSend.findMany({
        where: { OR: [{ state: "pending", sendAt: { lte: now } }, { state: "sending", lockedUntil: { lt: now } }] },
        select: { id: true },
        orderBy: { sendAt: "asc" },
        take: 100,
      });
      for (const { id } of due) await this.run(id);
      await prisma.webmailPendingSend.deleteMany({
        where: {
          OR: [
            { state: "sent", createdAt: { lt: new Date(Date.now() - KEEP_OUTCOME_MS) } },
            { state: "failed", createdAt: { lt: new Date(Date.now() - KEEP_FAILURE_MS) } },
          ],
        },
      });
    })()
      .catch((error: unknown) => console.error(`webmail: pending sends: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.sweeping = null;
      });
    return this.sweeping;
  }

  /** Claims the row (if still due and unheld) and sends it. */
  async run(id: number): Promise<void> {
    const prisma = await this.database();
    const now = new Date();
    const { count } = await prisma.webmailPendingSend.updateMany({
      where: { id, OR: [{ state: "pending", sendAt: { lte: now } }, { state: "sending", lockedUntil: { lt: now } }] },
      data: { state: "sending", lockedUntil: new Date(now.getTime() + LEASE_MS) },
    });
    if (count !== 1) return;
    const row = await prisma.webmailPendingSend.findUnique({ where: { id } });
    if (!row) return;
    try {
      await deliver(prisma, row);
    } catch (error) {
      // IMAP or the database failed: the lease runs out and a later sweep tries again.
      console.error(`webmail: sending scheduled message ${id} failed, will retry: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The process's one service (Next bundles routes and instrumentation apart). */
export const pendingSends = (): PendingSendService => processWide("webmail.pendingSends", () => new PendingSendService());
