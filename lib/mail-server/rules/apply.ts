// Delivery rules at delivery time, for each local account a message reaches: the first matching
// filter (move, mark read, flag, forward, delete), the account's forwarding (with or without a copy
// kept), and after the message is stored, the vacation reply. Rules never make delivery fail: an
// error in them is logged and that account's copy goes to its INBOX as if it had no rules.
import { analyzeMessage, type MessageAnalysis } from "@/lib/mime/analyze";
import type { AppendRequest } from "../store";
import { dkimSignatureFor } from "../queue/dkim";
import { DeliveryRulesStore, type AccountRules } from "../store/delivery-rules";
import type { SmtpRecipient, SmtpServerContext } from "../smtp/session";
import { filterSubject, firstMatchingFilter, type FilterSubject } from "./filters";
import { forwardCopies, forwardingLoop } from "./forward";
import { buildVacationReply, noReplyReason } from "./vacation";

export interface DeliveryInput {
  /** The message as the client sent it (without our trace fields) and its analysis. */
  message: Buffer;
  analysis: MessageAnalysis;
  /** The envelope sender, "" for the null sender. */
  sender: string;
  /** Our trace fields (Received, Authentication-Results), for forwarded copies. */
  trace: string;
  /** One request per account, as localCopies made them (INBOX, no flags). */
  requests: AppendRequest[];
  /** The transaction's recipients: the RCPT addresses that led to each account (an alias, a subaddress). */
  recipients: SmtpRecipient[];
  body: "7BIT" | "8BITMIME" | "BINARYMIME";
  smtputf8: boolean;
  now: Date;
  /** Sent by one of our users after AUTH (submission, or relaying), rather than by another server. */
  authenticated: boolean;
}

export interface PlannedDelivery {
  /** What to store: the accounts' copies as the rules left them, plus forwarded copies for local addresses. */
  requests: AppendRequest[];
  /** Vacation replies; call once the requests are stored. Never throws. */
  afterStored(): Promise<void>;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function applyDeliveryRules(context: SmtpServerContext, input: DeliveryInput): Promise<PlannedDelivery> {
  const unchanged = { requests: input.requests, afterStored: async () => undefined };
  if (!input.requests.length) return unchanged;
  const rulesStore = new DeliveryRulesStore(context.store.sql);
  let accounts: AccountRules[];
  try {
    accounts = await rulesStore.forAccounts(input.requests.map((r) => r.accountId));
  } catch (error) {
    context.log(`rules: not applied (${errorText(error)}); delivered to INBOX`);
    return unchanged;
  }
  if (!accounts.length) return unchanged;
  const byId = new Map(accounts.map((a) => [a.accountId, a]));
  const subject = filterSubject(input.analysis);
  const requests: AppendRequest[] = [];
  const replies: AccountRules[] = [];
  for (const request of input.requests) {
    const account = byId.get(request.accountId);
    if (!account) {
      requests.push(request);
      continue;
    }
    try {
      const outcome = await applyToAccount(context, account, request, subject, input);
      requests.push(...outcome.requests);
      if (outcome.vacation) replies.push(account);
    } catch (error) {
      context.log(`rules: ${account.address}: ${errorText(error)}; delivered to INBOX`);
      requests.push(request);
    }
  }
  return {
    requests,
    afterStored: async () => {
      for (const account of replies) {
        try {
          await sendVacationReply(context, rulesStore, account, input);
        } catch (error) {
          context.log(`rules: ${account.address}: vacation reply to <${input.sender}> failed: ${errorText(error)}`);
        }
      }
    },
  };
}

async function applyToAccount(context: SmtpServerContext, account: AccountRules, request: AppendRequest, subject: FilterSubject, input: DeliveryInput) {
  const { rules } = account;
  const filter = firstMatchingFilter(rules.filters, subject);
  let keep = true;
  let stored = request;
  const targets: string[] = [];
  for (const action of filter?.actions ?? []) {
    if (action.type === "move") {
      // A folder deleted since the filter was saved: INBOX, as Dovecot does without lda_mailbox_autocreate.
      const mailbox = await context.store.folders.get(account.accountId, action.folder);
      if (mailbox) stored = { ...stored, mailboxId: mailbox.id };
      else context.log(`rules: ${account.address}: folder "${action.folder}" is gone; delivered to INBOX`);
    } else if (action.type === "markRead") stored = { ...stored, flags: { ...stored.flags, seen: true } };
    else if (action.type === "flag") stored = { ...stored, flags: { ...stored.flags, flagged: true } };
    else if (action.type === "forward") targets.push(action.to);
    else keep = false;
  }
  const deleted = !keep;
  // A message a filter deleted is unwanted: it is neither forwarded by the account's forwarding nor answered.
  if (!deleted && rules.forwarding.to) {
    targets.push(rules.forwarding.to);
    if (!rules.forwarding.keepCopy) keep = false;
  }
  const extra: AppendRequest[] = [];
  if (targets.length) {
    const loop = forwardingLoop(input.message, account.address);
    try {
      if (loop) throw new Error(loop);
      extra.push(...(await forwardCopies(context, { account, targets, message: input.message, trace: input.trace, body: input.body, smtputf8: input.smtputf8, now: input.now, authenticated: input.authenticated })));
    } catch (error) {
      // Not forwarded: then it stays here, whatever the rules said, so that it is not lost.
      context.log(`rules: ${account.address}: not forwarded (${errorText(error)}); kept`);
      keep = true;
    }
  }
  return { requests: [...(keep ? [stored] : []), ...extra], vacation: !deleted && rules.vacation.enabled };
}

async function sendVacationReply(context: SmtpServerContext, rulesStore: DeliveryRulesStore, account: AccountRules, input: DeliveryInput) {
  const { vacation } = account.rules;
  const ownAddresses = [
    account.address,
    ...(await rulesStore.aliasesOf(account.address.toLowerCase())),
    ...input.recipients.filter((r) => r.accounts.some((a) => a.accountId === account.accountId)).map((r) => r.mailbox.address),
  ];
  const reason = noReplyReason({ vacation, message: input.message, analysis: input.analysis, sender: input.sender, ownAddresses, now: input.now });
  if (reason) {
    if (vacation.enabled) context.log(`rules: ${account.address}: no vacation reply to <${input.sender}>: ${reason}`);
    return;
  }
  if (!context.queue) throw new Error("no outbound queue");
  if (!(await rulesStore.claimVacationReply(account.accountId, input.sender, vacation.days, input.now))) {
    context.log(`rules: ${account.address}: no vacation reply to <${input.sender}>: answered within ${vacation.days} days`);
    return;
  }
  const reply = await buildVacationReply({ vacation, analysis: input.analysis, sender: input.sender, account, hostname: context.config.hostname, now: input.now });
  // Signed like the user's own mail: the reply's From is theirs, and DMARC at the other end looks for it.
  const signature = await dkimSignatureFor(context.store, (await analyzeMessage(reply)).envelope, reply, context.log);
  await context.queue.deliverFromNullSender(input.sender, Buffer.concat([Buffer.from(signature, "utf8"), reply]));
  context.log(`rules: ${account.address}: vacation reply sent to <${input.sender}>`);
}
