// The complete document shown in the reading pane's sandboxed frame. Its Content-Security-Policy
// allows no script at all and, until the reader allows remote content, nothing from another host.
import "server-only";
import LinkifyIt from "linkify-it";
import { sanitizeMailHtml } from "./sanitize";

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

export function htmlMailDocument(html: string, allowRemote: boolean): { document: string; blockedRemote: number } {
  const clean = sanitizeMailHtml(html, { allowRemoteContent: allowRemote });
  return { document: wrap(clean.html, allowRemote), blockedRemote: clean.blockedRemote };
}

export function textMailDocument(text: string): string {
  return wrap(plainTextToHtml(text), false);
}

export function emptyMailDocument(): string {
  return wrap('<p style="color:#64748b">This message has no text.</p>', false);
}
