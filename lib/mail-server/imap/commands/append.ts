// APPEND (RFC 3501 §6.3.11) with UIDPLUS's APPENDUID (RFC 4315), APPENDLIMIT (RFC 7889),
// QUOTA's OVERQUOTA (RFC 9208) and UTF8=ACCEPT's UTF8 (~{n}) form (RFC 6855 §4): the message is
// analysed like delivered mail and stored durably before the OK.
import { analyzeMessage } from "@/lib/mime/analyze";
import { asList, ImapSyntaxError, type ImapCommand, type ImapToken } from "../protocol";
import { ImapError, type ImapSession } from "../session";
import { ensureRoom } from "./quota";
import { mailboxName, parseFlags, MAX_KEYWORDS } from "./util";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** date-time: "17-Jul-1996 02:44:25 -0700" (RFC 3501 §9). */
export function parseDateTime(text: string): Date {
  const match = /^\s?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = match ? MONTHS.findIndex((m) => m.toLowerCase() === match[2].toLowerCase()) : -1;
  if (!match || month < 0) throw new ImapSyntaxError("Invalid date-time");
  const [dayOfMonth, hour, minute, second, zoneHours, zoneMinutes] = [1, 4, 5, 6, 8, 9].map((i) => Number(match[i]));
  const lastDay = new Date(Date.UTC(Number(match[3]), month + 1, 0)).getUTCDate();
  // Date.UTC would roll 31-Feb over into March: refuse what no calendar has.
  if (dayOfMonth < 1 || dayOfMonth > lastDay || hour > 23 || minute > 59 || second > 60 || zoneHours > 23 || zoneMinutes > 59) {
    throw new ImapSyntaxError("Invalid date-time");
  }
  const offset = (match[7] === "-" ? -1 : 1) * (Number(match[8]) * 60 + Number(match[9]));
  const utc = Date.UTC(Number(match[3]), month, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  const date = new Date(utc - offset * 60_000);
  if (Number.isNaN(date.getTime())) throw new ImapSyntaxError("Invalid date-time");
  return date;
}

/**
 * The message: a literal, or after ENABLE UTF8=ACCEPT "UTF8 (~{n}…)", the form that says its
 * headers may hold raw UTF-8 (RFC 6855 §4). The bytes are stored as sent either way.
 */
function messageData(session: ImapSession, args: ImapToken[]): Buffer {
  const [first, second] = args;
  if (first?.type === "atom" && first.value.toUpperCase() === "UTF8") {
    // RFC 6855 §4 defines this form only for sessions that enabled UTF8=ACCEPT.
    if (!session.utf8) throw new ImapSyntaxError("APPEND UTF8 needs ENABLE UTF8=ACCEPT first");
    const inner = second?.type === "list" ? second.items : [];
    const message = inner[0];
    if (inner.length !== 1 || message?.type !== "string" || !message.binary || args.length !== 2) throw new ImapSyntaxError("APPEND UTF8 takes one literal8 in parentheses: UTF8 (~{n})");
    return message.value;
  }
  if (first?.type !== "string" || args.length !== 1) throw new ImapSyntaxError("APPEND takes a mailbox, optional flags and date, and the message as a literal");
  return first.value;
}

export async function append(session: ImapSession, command: ImapCommand) {
  const args = [...command.args];
  const name = mailboxName(session, args.shift());
  let flags: string[] = [];
  let internalDate: Date | undefined;
  if (args[0]?.type === "list") flags = parseFlags(asList(args.shift()));
  const dateToken = args[0];
  if (dateToken?.type === "string" && !dateToken.literal) {
    args.shift();
    internalDate = parseDateTime(dateToken.value.toString("latin1"));
  }
  if (flags.filter((f) => !f.startsWith("\\")).length > MAX_KEYWORDS) throw new ImapError("NO", `At most ${MAX_KEYWORDS} keywords per message`, "LIMIT");
  const raw = messageData(session, args);
  if (raw.length > session.config.maxMessageSize) throw new ImapError("NO", "Message too large", "TOOBIG");
  if (!raw.length) throw new ImapError("NO", "Empty message", "CANNOT");
  const mailbox = await session.store.folders.get(session.user!.accountId, name);
  if (!mailbox) throw new ImapError("NO", "No such mailbox", "TRYCREATE");
  await ensureRoom(session, raw.length);
  const has = (flag: string) => flags.some((f) => f.toLowerCase() === flag.toLowerCase());
  const [result] = await session.store.append([
    {
      accountId: session.user!.accountId,
      mailboxId: mailbox.id,
      raw,
      analysis: await analyzeMessage(raw),
      internalDate,
      flags: { seen: has("\\Seen"), answered: has("\\Answered"), flagged: has("\\Flagged"), deleted: has("\\Deleted"), draft: has("\\Draft") },
      keywords: flags.filter((f) => !f.startsWith("\\")),
    },
  ]);
  await session.finish(command.tag, "OK", "APPEND completed", `APPENDUID ${result.uidValidity} ${result.uid}`);
}
