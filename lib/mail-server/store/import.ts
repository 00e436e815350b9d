// Importing existing mail (mailctl import): .eml files as they are, mbox files split on
// their "From " separator lines with mboxrd ">From " unquoting. Line endings become CRLF,
// as stored mail has them.
import { analyzeMessage } from "@/lib/mime/analyze";
import { parseAddress } from "./addresses";
import { StoreError } from "./errors";
import type { AppendRequest, MailStore } from "./index";

function toCrlf(text: Buffer): Buffer {
  return Buffer.from(text.toString("latin1").replace(/\r?\n/g, "\r\n"), "latin1");
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The date of a "From " line: asctime in UTC (RFC 4155), "Tue Apr  1 10:00:00 2025", or with
 * a zone before the year as Thunderbird writes it, "Sat Jan 03 01:05:34 +0000 2015".
 */
function asctimeUtc(text: string): Date | null {
  const match = /^\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})(?:\s+([+-]\d{4}|[A-Z]{1,5}))?\s+(\d{4})/.exec(text);
  const month = match ? MONTHS.indexOf(match[1]) : -1;
  if (!match || month < 0) return null;
  const zone = match[6] && /^[+-]\d{4}$/.test(match[6]) ? (match[6][0] === "-" ? -1 : 1) * (Number(match[6].slice(1, 3)) * 60 + Number(match[6].slice(3))) : 0;
  const utc = Date.UTC(Number(match[7]), month, Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5]));
  return new Date(utc - zone * 60_000);
}

/** Splits an mbox into messages with the internal date of each "From " line when it has one. */
export function splitMbox(bytes: Buffer): { raw: Buffer; date: Date | null }[] {
  const text = bytes.toString("latin1");
  const messages: { raw: Buffer; date: Date | null }[] = [];
  const separator = /^From [^\n]*\n/gm;
  const starts: { index: number; line: string }[] = [];
  for (let match = separator.exec(text); match; match = separator.exec(text)) starts.push({ index: match.index, line: match[0] });
  starts.forEach((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1].index : text.length;
    // The line end before the next "From " line is the separator's, not the message's.
    const body = text.slice(start.index + start.line.length, end).replace(/\r?\n$/, "").replace(/^>(>*From )/gm, "$1");
    if (!body.trim()) return;
    messages.push({ raw: toCrlf(Buffer.from(body, "latin1")), date: asctimeUtc(start.line.replace(/^From \S+\s+/, "").trim()) });
  });
  return messages;
}

/**
 * Messages per store.append call. Each call is one transaction and one fsync: one per message
 * made a 100,000-message import take a quarter of an hour, nearly all of it waiting for the
 * disk. Batches also keep UIDs in file order, which separate calls in flight would not (a large
 * message's blob file is written before it is queued, a small one's is not).
 */
const BATCH_MESSAGES = 200;
const BATCH_BYTES = 32 * 1024 * 1024;

export async function importMessages(store: MailStore, address: string, files: { file: string; bytes: Buffer }[], mailboxName: string): Promise<number> {
  const account = await (await store.db.prisma()).account.findUnique({ where: { addressKey: parseAddress(address).key } });
  if (!account) throw new StoreError("not-found", `no account ${address}`);
  const mailbox = await (await store.db.prisma()).mailbox.findUnique({ where: { accountId_name: { accountId: account.id, name: mailboxName } } });
  if (!mailbox) throw new StoreError("not-found", `${address} has no mailbox ${mailboxName}`);
  let count = 0;
  let batch: AppendRequest[] = [];
  let batchBytes = 0;
  // One batch commits while the next is analysed: the CPU work and the fsync overlap.
  let committing: Promise<void> = Promise.resolve();
  const commit = async () => {
    const requests = batch;
    batch = [];
    batchBytes = 0;
    await committing;
    committing = store.append(requests).then(() => {
      count += requests.length;
    });
    // Rethrown by the next await of it; until then it must not count as unhandled.
    committing.catch(() => undefined);
  };
  for (const { bytes } of files) {
    const messages = bytes.subarray(0, 5).toString("latin1") === "From " ? splitMbox(bytes) : [{ raw: toCrlf(bytes), date: null }];
    for (const { raw, date } of messages) {
      const analysis = await analyzeMessage(raw);
      batch.push({ accountId: account.id, mailboxId: mailbox.id, raw, analysis, internalDate: date ?? analysis.sentAt ?? new Date(), flags: { seen: true } });
      batchBytes += raw.length;
      if (batch.length >= BATCH_MESSAGES || batchBytes >= BATCH_BYTES) await commit();
    }
  }
  if (batch.length) await commit();
  await committing;
  return count;
}
