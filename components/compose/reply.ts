// How a reply or forward starts: who it goes to, its subject, and the original quoted below. Pure, so the
// rules are tested without a browser.
import type { OriginalMessage, ReplyMode } from "@/lib/user-agent/compose/types";
import type { Address } from "@/lib/user-agent/mail/types";

// What clients in several languages put before a subject (Re, Aw, Sv, Antw, 回复 …; Fwd, Fw, Wg, Tr, 转发).
const REPLY_PREFIX = /^\s*(?:re|aw|sv|antw|vs|回复|答复)\s*(?:\[\d+\])?\s*[:：]/i;
const FORWARD_PREFIX = /^\s*(?:fwd?|wg|tr|转发)\s*[:：]/i;

/** "Re: subject" or "Fwd: subject", without stacking a prefix the subject already has. */
export function answerSubject(subject: string, mode: ReplyMode): string {
  if (mode === "forward") return FORWARD_PREFIX.test(subject) ? subject : `Fwd: ${subject}`;
  return REPLY_PREFIX.test(subject) ? subject : `Re: ${subject}`;
}

function withoutDuplicates(list: Address[], skip: Set<string>): Address[] {
  const seen = new Set(skip);
  return list.filter((entry) => {
    const key = entry.address.toLowerCase();
    if (!entry.address || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The recipients of an answer: Reply-To (else From) for a reply; everyone but the user's own addresses for reply all. */
export function answerRecipients(original: OriginalMessage, mode: ReplyMode, ownAddresses: string[]): { to: Address[]; cc: Address[] } {
  if (mode === "forward") return { to: [], cc: [] };
  const own = new Set(ownAddresses.map((address) => address.toLowerCase()));
  const author = original.replyTo.length > 0 ? original.replyTo : original.from;
  const fromSelf = author.every((entry) => own.has(entry.address.toLowerCase()));
  // Answering one's own message goes to the people it was sent to, as every client does.
  const direct = fromSelf ? original.to : author;
  if (mode === "reply") return { to: withoutDuplicates(direct, fromSelf ? own : new Set()), cc: [] };
  const to = withoutDuplicates([...direct, ...original.to], own);
  const cc = withoutDuplicates(original.cc, new Set([...own, ...to.map((entry) => entry.address.toLowerCase())]));
  return { to, cc };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Text as HTML paragraphs: blank lines part paragraphs, single line breaks stay. */
export function textToHtml(text: string): string {
  const paragraphs = text.replace(/\r\n?/g, "\n").trim().split(/\n{2,}/);
  return paragraphs.map((paragraph) => `<p>${paragraph.split("\n").map(escapeHtml).join("<br>")}</p>`).join("");
}

/** Text quoted for a plain-text reply: every line behind "> ". */
export function quoteText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .trimEnd()
    .split("\n")
    .map((line) => (line.startsWith(">") ? `>${line}` : `> ${line}`))
    .join("\n");
}

/**
 * The body an answer starts with, in both forms: under `header` ("On DATE, NAME wrote:") the original
 * quoted for a reply, or the forwarded message's header lines and text for a forward.
 */
export function answerBody(original: OriginalMessage, mode: ReplyMode, header: string): { html: string; text: string } {
  if (mode === "forward") {
    return {
      html: `<p></p><p>${header.split("\n").map(escapeHtml).join("<br>")}</p>${textToHtml(original.text)}`,
      text: `\n\n${header}\n\n${original.text.trim()}\n`,
    };
  }
  return { html: `<p></p><p>${escapeHtml(header)}</p><blockquote>${textToHtml(original.text)}</blockquote>`, text: `\n\n${header}\n${quoteText(original.text)}\n` };
}
