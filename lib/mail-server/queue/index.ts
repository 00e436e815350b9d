// The outbound queue (RFC 5321 §4.5.4): takes accepted mail for other domains, delivers it
// to each recipient domain's server (routing.ts, smtp-client.ts), retries temporary
// failures on the QUEUE_RETRY_DELAYS schedule until QUEUE_LIFETIME, and reports to the
// sender (reports.ts): failures and expiry always (unless NOTIFY says otherwise), a delay
// notice once after QUEUE_DELAY_NOTICE, and on success when NOTIFY=SUCCESS asked for it a
// "relayed" report if the next server lacks DSN; one that has it was handed NOTIFY and ENVID
// and reports the delivery itself (RFC 3461 §5.2.2), so a second report from us would be a
// duplicate. Local deliveries report "delivered" (reportDelivered, from smtp/delivery.ts).
// Recipients of one message and one domain go in one transaction; attempts run in parallel
// up to a limit overall and per destination domain.
import type { Config } from "@/lib/config";
import { analyzeMessage } from "@/lib/mime/analyze";
import type { MailStore } from "../store";
import { localCopies } from "../smtp/delivery";
import { rfc5322Date } from "../smtp/rfc5322-date";
import { Router, type Hop } from "./routing";
import { ConnectionCache, RFC5321_TIMEOUTS, SmtpTransactionError, formatReply, sendTransaction, type RecipientOutcome, type SmtpTimeouts } from "./smtp-client";
import { buildReport, statusOf, type ReportAction, type ReportedMessage, type ReportedRecipient } from "./reports";
import { QueueStore, type AttemptResult, type EnqueueRequest, type QueuedMessage, type QueuedRecipient } from "./store";

export type { EnqueueRequest } from "./store";

export interface QueueOptions {
  /** Deliveries in flight at once, overall and to one domain. */
  maxConcurrent?: number;
  maxPerDomain?: number;
  /** SMTP client timeouts; RFC 5321's by default, shorter in tests. */
  timeouts?: SmtpTimeouts;
  /** One DNS query's timeout for MX and address lookups; 5 s by default, shorter in tests. */
  dnsTimeoutMs?: number;
  log(line: string): void;
}

/** One attempt's unit: the due recipients of one message at one domain. */
interface Batch {
  queueMessageId: number;
  domain: string;
  recipients: QueuedRecipient[];
}

/** Even with nothing due sooner, look again this often: `mailctl queue retry` changes the queue from another process. */
const RECHECK_MS = 15_000;
/** Due recipients read at once into the backlog. */
const BACKLOG_ROWS = 500;
/** A backlog with nothing startable (its domains all at their limit) is read again at most this often. */
const BACKLOG_RECHECK_MS = 1000;

export class OutboundQueue {
  readonly store: QueueStore;
  private readonly router: Router;
  private readonly inFlight = new Map<string, number>();
  private running = 0;
  private readonly attempts = new Set<Promise<void>>();
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  /**
   * Due work read from the database and not started yet, oldest first: Postfix's active queue in
   * small. A finished attempt frees a slot that the backlog fills without a query; reading due rows
   * after every attempt cost more CPU than the deliveries once the queue was a few thousand deep.
   */
  private backlog: Batch[] = [];
  private backlogReadAt = 0;
  /** New or newly due work may be in the database (an enqueue, a timer, a retry): read before picking. */
  private backlogStale = true;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private readonly maxConcurrent: number;
  private readonly maxPerDomain: number;
  private readonly timeouts: SmtpTimeouts;
  /** Sessions left open while more mail for their destination waits (connect, greeting, EHLO once, not per message). */
  private readonly connections = new ConnectionCache();

  constructor(
    private readonly config: Config,
    private readonly mailStore: MailStore,
    private readonly options: QueueOptions,
  ) {
    this.store = new QueueStore(mailStore.sql, mailStore.blobs);
    this.router = new Router(config, { dnsTimeoutMs: options.dnsTimeoutMs });
    this.maxConcurrent = options.maxConcurrent ?? 50;
    this.maxPerDomain = options.maxPerDomain ?? 20;
    this.timeouts = options.timeouts ?? RFC5321_TIMEOUTS;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.store.requeueInterrupted();
    this.wake();
  }

  /** Stops taking new work and waits for the attempts in flight (a restart would redo them anyway). */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.race([Promise.allSettled([...this.attempts, this.pumping]), new Promise((r) => setTimeout(r, graceMs).unref())]);
    this.connections.closeAll();
  }

  /** Durable when it resolves; delivery starts at once. */
  async enqueue(request: EnqueueRequest): Promise<number> {
    const id = await this.store.enqueue(request);
    this.mailStore.traffic.count("out");
    this.wake();
    return id;
  }

  /**
   * Looks for due work now (after an enqueue, a finished attempt, `mailctl queue retry`).
   * `fromDatabase` false: only a slot came free, the backlog still knows what is due.
   */
  wake(fromDatabase = true) {
    if (fromDatabase) this.backlogStale = true;
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.pump()
      .catch((error) => this.options.log(`queue: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.pumping = null;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.wake(false);
        }
      });
  }

  private async pump() {
    if (this.stopped || this.running >= this.maxConcurrent) return;
    const startable = () => this.backlog.some((batch) => (this.inFlight.get(batch.domain) ?? 0) < this.maxPerDomain);
    if (this.backlogStale || !this.backlog.length || (!startable() && Date.now() - this.backlogReadAt >= BACKLOG_RECHECK_MS)) {
      this.backlogStale = false;
      this.backlogReadAt = Date.now();
      const batches = new Map<string, Batch>();
      for (const recipient of await this.store.due(new Date(), BACKLOG_ROWS)) {
        const key = `${recipient.queueMessageId} ${recipient.domain}`;
        const batch = batches.get(key) ?? { queueMessageId: recipient.queueMessageId, domain: recipient.domain, recipients: [] };
        batch.recipients.push(recipient);
        batches.set(key, batch);
      }
      // Claimed rows are not due, so this replaces the backlog without repeating what is in flight.
      this.backlog = [...batches.values()];
    }
    // Pick what the limits allow first, then claim it all in one transaction (one commit per pump,
    // not one per message). Attempts only finish meanwhile, which frees slots and wakes us again.
    const picked: Batch[] = [];
    const perDomain = new Map(this.inFlight);
    this.backlog = this.backlog.filter((batch) => {
      if (this.stopped || this.running + picked.length >= this.maxConcurrent) return true;
      const domainCount = perDomain.get(batch.domain) ?? 0;
      if (domainCount >= this.maxPerDomain) return true;
      perDomain.set(batch.domain, domainCount + 1);
      picked.push(batch);
      return false;
    });
    // Rows another node or `mailctl queue delete` took meanwhile are simply not claimed.
    const claimed = new Set(await this.store.claim(picked.flatMap((batch) => batch.recipients.map((r) => r.id))));
    for (const batch of picked) {
      batch.recipients = batch.recipients.filter((r) => claimed.has(r.id));
      if (batch.recipients.length) this.launch(batch);
    }
    await this.schedule();
  }

  private launch(batch: Batch) {
    this.running++;
    this.inFlight.set(batch.domain, (this.inFlight.get(batch.domain) ?? 0) + 1);
    // The limits count SMTP deliveries: the slot is free once the remote has answered, while the
    // results are still being committed, so the next message need not wait for our fsync.
    let slotFreed = false;
    const freeSlot = () => {
      if (slotFreed) return;
      slotFreed = true;
      this.running--;
      this.inFlight.set(batch.domain, this.inFlight.get(batch.domain)! - 1);
      this.wake(false);
    };
    const attempt = this.attempt(batch, freeSlot)
      .catch(async (error) => {
        this.options.log(`queue ${batch.queueMessageId}: attempt failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        // Our own trouble (the database, a report): the recipients wait one retry interval, never stay claimed.
        const retryAt = new Date(Date.now() + this.config.queueRetryDelays[0]);
        const failure = `451 4.3.0 local error: ${error instanceof Error ? error.message : String(error)}`;
        await this.store.release(batch.recipients.map((r) => r.id), retryAt, failure).catch(() => undefined);
      })
      .finally(() => {
        this.attempts.delete(attempt);
        // Its results are committed now: a retry it scheduled was not there for the pump the
        // freed slot ran, and needs a timer.
        if (slotFreed) this.wake(false);
        else freeSlot();
      });
    this.attempts.add(attempt);
  }

  /**
   * Removes a message from the queue (mailctl queue delete): its waiting recipients fail,
   * and the sender gets a bounce for them, as for any failure. False when there is no such message.
   */
  async deleteMessage(id: number, reason = "removed from the queue by the administrator"): Promise<boolean> {
    const message = await this.store.message(id);
    if (!message) return false;
    const now = new Date();
    const waiting = (await this.store.recipients(id)).filter((r) => r.state === "queued" || r.state === "sending");
    const response = `550 5.3.0 ${reason}`;
    await this.store.record(waiting.map((r) => ({ recipientId: r.id, state: "failed" as const, response, remoteHost: r.remoteHost, nextAttemptAt: now })), now, false);
    const reported = waiting
      .filter((r) => message.sender !== "" && (r.notify.length === 0 || r.notify.includes("FAILURE")))
      .map((r) => ({ address: r.address, orcpt: r.orcpt, action: "failed" as const, status: "5.3.0", remoteHost: "", diagnostic: response, lastAttemptAt: r.lastAttemptAt }));
    if (reported.length) await this.report(message, await this.mailStore.readMessage(message.blobHash), reported, now);
    await this.store.removeIfFinished(id);
    return true;
  }

  /** A timer for the next recipient that falls due (the work in flight wakes us itself). */
  private async schedule() {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const next = await this.store.nextDue();
    if (!next || this.stopped) return;
    // Due work already in the backlog waits for slots, and finished attempts wake us for it: polling
    // for it every 10 ms would only reread the same rows.
    const soonest = this.backlog.length ? BACKLOG_RECHECK_MS : 10;
    const wait = Math.min(Math.max(next.getTime() - Date.now(), soonest), RECHECK_MS);
    this.timer = setTimeout(() => this.wake(), wait);
    this.timer.unref();
  }

  private async attempt(batch: Batch, freeSlot: () => void) {
    const message = await this.store.message(batch.queueMessageId);
    if (!message) return;
    const raw = await this.mailStore.readMessage(message.blobHash);
    const outcomes = await this.deliver(message, raw, batch);
    freeSlot();
    await this.settle(message, raw, batch.recipients, outcomes);
  }

  /** Each recipient's outcome, trying the route's hosts in order until one answers. */
  private async deliver(message: QueuedMessage, raw: Buffer, batch: Batch): Promise<(RecipientOutcome & { remoteHost: string })[]> {
    const all = (outcome: RecipientOutcome["outcome"], text: string, remoteHost = "", reply?: RecipientOutcome["reply"]) =>
      batch.recipients.map((r) => ({ address: r.address, outcome, reply: reply ?? { code: outcome === "permanent" ? 550 : 451, enhanced: outcome === "permanent" ? "5.4.4" : "4.4.3", text }, relayed: false, remoteHost }));
    const route = await this.router.route(batch.domain);
    if (route.kind === "permanent") return all("permanent", route.reason, "", { code: 550, enhanced: route.reason.includes("null MX") ? "5.1.10" : "5.1.2", text: route.reason });
    if (route.kind === "temporary") return all("temporary", route.reason);

    let last: SmtpTransactionError | null = null;
    let everyHostRefused = true;
    for (const hop of route.hops) {
      try {
        const outcomes = await this.transaction(message, raw, batch, hop);
        return outcomes.map((o) => ({ ...o, remoteHost: hopName(hop) }));
      } catch (error) {
        if (!(error instanceof SmtpTransactionError)) throw error;
        last = error;
        // Connection trouble or a refusing greeting: the next MX may do better (RFC 5321 §5.1).
        if (error.options.hostLevel) {
          if (error.temporary) everyHostRefused = false;
          continue;
        }
        return all(error.temporary ? "temporary" : "permanent", error.message, hopName(hop), error.reply);
      }
    }
    const reply = last?.reply ?? { code: 451, enhanced: "4.4.1", text: `no server for ${batch.domain} answered` };
    return all(everyHostRefused && last && !last.temporary ? "permanent" : "temporary", reply.text, "", reply);
  }

  private async transaction(message: QueuedMessage, raw: Buffer, batch: Batch, hop: Hop): Promise<RecipientOutcome[]> {
    const request = {
      host: hop.host,
      port: hop.port,
      heloName: this.config.hostname,
      sender: message.sender,
      recipients: batch.recipients,
      message: raw,
      body: message.body,
      smtputf8: message.smtputf8,
      envid: message.envid,
      ret: message.ret,
      tls: "opportunistic" as const,
      auth: hop.auth,
      timeouts: this.timeouts,
    };
    // Keep the session for the next message only when one for this domain is already waiting,
    // as Postfix does (smtp_connection_cache_on_demand); a lone message says QUIT at once.
    const reuse = { cache: this.connections, keep: () => !this.stopped && this.backlog.some((waiting) => waiting.domain === batch.domain) };
    try {
      return await sendTransaction(request, reuse);
    } catch (error) {
      // A server whose TLS is broken still gets the mail, in the clear, as it would without STARTTLS.
      if (error instanceof SmtpTransactionError && error.options.tlsFailed) return sendTransaction({ ...request, tls: "none" }, reuse);
      throw error;
    }
  }

  /** Records what the attempt came to, and tells the sender what they asked to be told. */
  private async settle(message: QueuedMessage, raw: Buffer, recipients: QueuedRecipient[], outcomes: (RecipientOutcome & { remoteHost: string })[]) {
    const now = new Date();
    const age = now.getTime() - message.createdAt.getTime();
    const expired = age >= this.config.queueLifetime;
    const retryUntil = new Date(message.createdAt.getTime() + this.config.queueLifetime);
    const results: AttemptResult[] = [];
    const reports: Record<ReportAction, ReportedRecipient[]> = { failed: [], delayed: [], delivered: [], relayed: [] };
    const wants = (r: QueuedRecipient, what: "SUCCESS" | "FAILURE" | "DELAY") => message.sender !== "" && (r.notify.length === 0 ? what !== "SUCCESS" : r.notify.includes(what));

    recipients.forEach((recipient, i) => {
      const outcome = outcomes[i];
      const response = formatReply(outcome.reply);
      const reported = (action: ReportAction, status: string): ReportedRecipient => ({
        address: recipient.address,
        orcpt: recipient.orcpt,
        action,
        status,
        remoteHost: outcome.remoteHost,
        diagnostic: response,
        lastAttemptAt: now,
      });
      if (outcome.outcome === "delivered") {
        results.push({ recipientId: recipient.id, state: "delivered", response, remoteHost: outcome.remoteHost, nextAttemptAt: now });
        if (outcome.relayed && wants(recipient, "SUCCESS")) reports.relayed.push(reported("relayed", "2.0.0"));
      } else if (outcome.outcome === "permanent" || expired) {
        results.push({ recipientId: recipient.id, state: "failed", response, remoteHost: outcome.remoteHost, nextAttemptAt: now });
        const gaveUpAfter = outcome.outcome === "temporary" ? recipient.attempts + 1 : undefined;
        if (wants(recipient, "FAILURE")) reports.failed.push({ ...reported("failed", statusOf(response, outcome.outcome === "permanent" ? "5.0.0" : "4.4.7")), gaveUpAfter });
      } else {
        const delays = this.config.queueRetryDelays;
        const wait = delays[Math.min(recipient.attempts, delays.length - 1)];
        const notice = !recipient.delayNotified && age >= this.config.queueDelayNotice && wants(recipient, "DELAY");
        results.push({ recipientId: recipient.id, state: "queued", response, remoteHost: outcome.remoteHost, nextAttemptAt: new Date(now.getTime() + wait), delayNotified: notice || undefined });
        if (notice) reports.delayed.push(reported("delayed", statusOf(response, "4.0.0")));
      }
      this.options.log(`queue ${message.id}: <${recipient.address}> ${results[results.length - 1].state}${outcome.remoteHost ? ` via ${outcome.remoteHost}` : ""}: ${response}`);
    });
    const reporting = Object.values(reports).filter((reported) => reported.length);
    // Nothing to tell the sender (the common case): results and the message's removal in one
    // group commit. Otherwise the message stays until its reports are out, as before.
    await this.store.finish(results, now, reporting.length ? null : message.id);
    if (!reporting.length) return;
    // One report per kind of news, each about every recipient it concerns.
    for (const reported of reporting) await this.report(message, raw, reported, retryUntil);
    await this.store.removeIfFinished(message.id);
  }

  /** Sends a delivery report to the message's sender: into their INBOX when local, else through the queue. */
  private async report(message: QueuedMessage, original: Buffer, recipients: ReportedRecipient[], retryUntil: Date) {
    const { raw } = buildReport({ hostname: this.config.hostname, message, original, recipients, retryUntil });
    await this.deliverFromNullSender(message.sender, raw);
  }

  /**
   * Tells the sender of a message just stored here which recipients got it, for those whose
   * NOTIFY asked (RFC 3461 §6.2: the final delivery is where "delivered" is said).
   */
  async reportDelivered(message: ReportedMessage, original: Buffer, recipients: { address: string; orcpt: string }[]) {
    if (!message.sender || !recipients.length) return;
    const now = message.createdAt;
    const reported = recipients.map((r): ReportedRecipient => ({ address: r.address, orcpt: r.orcpt, action: "delivered", status: "2.0.0", remoteHost: "", diagnostic: "", lastAttemptAt: now }));
    const { raw } = buildReport({ hostname: this.config.hostname, message, original, recipients: reported, retryUntil: null });
    await this.deliverFromNullSender(message.sender, raw);
  }

  /** Mail from <> (a report) to one address: stored at once for a local one, queued otherwise. */
  async deliverFromNullSender(to: string, raw: Buffer) {
    const at = to.lastIndexOf("@");
    const [local, domain] = [to.slice(0, at), to.slice(at + 1)];
    if (await this.mailStore.accounts.isLocalDomain(domain)) {
      const accounts = await this.mailStore.accounts.resolve(local, domain);
      if (!accounts.length) {
        this.options.log(`queue: report to <${to}> dropped: no such local user`);
        return;
      }
      const now = new Date();
      const received = `Received: by ${this.config.hostname} (delivery report);\r\n\t${rfc5322Date(now)}\r\n`;
      const analysis = await analyzeMessage(raw);
      const copies = accounts.map((a) => ({ accountId: a.accountId, address: a.address, envelopeInfo: { from: "", rcpt: to, receivedAt: now.toISOString() } }));
      await this.mailStore.append(localCopies(raw, analysis, "", received, copies, now));
      return;
    }
    await this.enqueue({ raw, sender: "", envid: null, ret: null, body: "7BIT", smtputf8: false, accountId: null, messageId: "", recipients: [{ address: to, notify: ["NEVER"], orcpt: null }] });
  }
}

const hopName = (hop: Hop) => (hop.port === 25 ? hop.host : `${hop.host}:${hop.port}`);
