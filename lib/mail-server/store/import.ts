// Importing existing mail (mailctl import): .eml files as they are, mbox files split on
// their "From " separator lines with mboxrd ">From " unquoting. Line endings become CRLF,
// as stored mail has them.
import { analyzeMessage } from "@/lib/mime/analyze";
import { parseAddress } from "./addresses";
import { StoreError } from "./errors";
import type { MailStore } from "./index";

function toCrlf(text: Buffer): Buffer {
  return Buffer.from(text.toString("latin1").replace(/\r?\n/g, "\r\n"), "latin1");
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
    const body = text.slice(start.index + start.line.length, end).replace(/\n$/, "").replace(/^>(>*From )/gm, "$1");
    const date = new Date(start.line.replace(/^From \S+\s+/, "").trim());
    messages.push({ raw: toCrlf(Buffer.from(body, "latin1")), date: Number.isNaN(date.getTime()) ? null : date });
  });
  return messages;
}

export async function importMessages(store: MailStore, address: string, files: { file: string; bytes: Buffer }[], mailboxName: string): Promise<number> {
  const account = await store.db.prisma.account.findUnique({ where: { addressKey: parseAddress(address).key } });
  if (!account) throw new StoreError("not-found", `no account ${address}`);
  const mailbox = await store.db.prisma.mailbox.findUnique({ where: { accountId_name: { accountId: account.id, name: mailboxName } } });
  if (!mailbox) throw new StoreError("not-found", `${address} has no mailbox ${mailboxName}`);
  let count = 0;
  for (const { bytes } of files) {
    const messages = bytes.subarray(0, 5).toString("latin1") === "From " ? splitMbox(bytes) : [{ raw: toCrlf(bytes), date: null }];
    for (const { raw, date } of messages) {
      const analysis = await analyzeMessage(raw);
      await store.append([{ accountId: account.id, mailboxId: mailbox.id, raw, analysis, internalDate: date ?? analysis.sentAt ?? new Date(), flags: { seen: true } }]);
      count++;
    }
  }
  return count;
}
