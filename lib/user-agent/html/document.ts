// The complete document shown in the reading pane's sandboxed frame. Its Content-Security-Policy
// allows no script at all and, until the reader allows remote content, nothing from another host.
import "server-only";
import LinkifyIt from "linkify-it";
import type { Address, MessageView } from "@/lib/user-agent/mail/types";
import { sanitizeMailHtml, type SanitizeOptions } from "./sanitize";

const linkify = new LinkifyIt();

export function contentSecurityPolicy(allowRemote: boolean): string {
  const remote = allowRemote ? " https: http:" : "";
  return [
    "default-src 'none'",
    `img-src data: cid:${remote}`,
    `style-src 'unsafe-inline'${remote}`,
    `font-src data:${remote}`,
    "form-action 'none'",
    "base-uri 'none'",
  ].join("; ");
}

const FRAME_STYLE = `
:root { color-scheme: light; }
body { margin: 0; padding: 16px; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #0f172a; background: #fff; overflow-wrap: anywhere; }
img { max-width: 100%; height: auto; }
img[data-blocked-src] { display: inline-block; min-width: 16px; min-height: 16px; background: #e2e8f0; }
pre.plain { margin: 0; white-space: pre-wrap; font: inherit; }
blockquote { margin: 0 0 0 8px; padding-left: 8px; border-left: 2px solid #cbd5e1; }
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

function wrap(body: string, allowRemote: boolean): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(allowRemote)}"><meta name="referrer" content="no-referrer"><base target="_blank"><style>${FRAME_STYLE}</style></head><body>${body}</body></html>`;
}

/** Plain text as HTML: everything escaped first, then web and mail addresses made into links. */
export function plainTextToHtml(text: string): string {
  const matches = linkify.match(text) ?? [];
  let html = "";
  let last = 0;
  for (const match of matches) {
    if (!/^(?:https?:|mailto:)/i.test(match.url)) continue;
    html += escapeHtml(text.slice(last, match.index));
    html += `<a href="${escapeHtml(match.url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(match.text)}</a>`;
    last = match.lastIndex;
  }
  html += escapeHtml(text.slice(last));
  return `<pre class="plain">${html}</pre>`;
}

export function htmlMailDocument(html: string, allowRemote: boolean, resolveCid?: SanitizeOptions["resolveCid"]): { document: string; blockedRemote: number } {
  const clean = sanitizeMailHtml(html, { allowRemoteContent: allowRemote, resolveCid });
  return { document: wrap(clean.html, allowRemote), blockedRemote: clean.blockedRemote };
}

export function textMailDocument(text: string): string {
  return wrap(plainTextToHtml(text), false);
}

export function emptyMailDocument(): string {
  return wrap('<p style="color:#64748b">This message has no text.</p>', false);
}

function addressLine(list: Address[]): string {
  return list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(", ");
}

/** The reading pane's document with the message's headers on top, for printing. Every header is escaped. */
export function printDocument(view: MessageView): string {
  const rows: [string, string][] = [
    ["From", addressLine(view.from)],
    ["To", addressLine(view.to)],
    ["Cc", addressLine(view.cc)],
    ["Date", view.date ? new Date(view.date).toUTCString() : ""],
  ];
  const header =
    `<header class="print-header" style="border-bottom:1px solid #cbd5e1;margin-bottom:16px;padding-bottom:8px">` +
    `<h1 style="font-size:20px;margin:0 0 8px">${escapeHtml(view.subject || "(no subject)")}</h1>` +
    rows
      .filter(([, value]) => value)
      .map(([label, value]) => `<div><b>${label}:</b> ${escapeHtml(value)}</div>`)
      .join("") +
    `</header>`;
  const at = view.document.indexOf("<body>");
  return at < 0 ? view.document : view.document.slice(0, at + 6) + header + view.document.slice(at + 6);
}
