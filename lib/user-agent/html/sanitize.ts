// HTML mail, made safe to display: DOMPurify (on a jsdom window) strips scripts, event handlers,
// dangerous URLs, forms, SVG and MathML; on top of that everything that would reach another host
// (images, backgrounds, CSS url() and @import) is left out until the reader asks for it, because
// loading it tells the sender when, where and that the mail was read. The frame the result is shown
// in has its own Content-Security-Policy and sandbox as second and third lines of defence.
import "server-only";
import createDOMPurify, { type DOMPurify } from "dompurify";
import { JSDOM } from "jsdom";

export interface SanitizeOptions {
  allowRemoteContent: boolean;
  /**
   * Where an inline part (cid:) of this message can be loaded from, or null when the message has no
   * such part. Without it every cid: reference is dropped: the browser cannot resolve cid: itself.
   */
  resolveCid?: (contentId: string) => string | null;
}

export interface SanitizedHtml {
  /** Body content (no <html>/<head>), ready to be placed in the frame's document. */
  html: string;
  /** How many remote resources were left out. */
  blockedRemote: number;
}

const LINK_SCHEMES = /^(?:https?:|mailto:|tel:)/i;
const REMOTE_URL = /^(?:https?:)?\/\//i;
const IMAGE_DATA_URL = /^data:image\/(?:png|gif|jpe?g|webp|bmp);/i;
// Attributes that load something by themselves; only src on <img> survives, filtered below.
const FORBIDDEN_ATTRIBUTES = ["srcset", "background", "poster", "action", "formaction", "ping", "lowsrc", "dynsrc", "longdesc", "xlink:href"];
const FORBIDDEN_TAGS = ["base", "meta", "link", "form", "input", "button", "select", "textarea", "iframe", "frame", "frameset", "object", "embed", "applet", "audio", "video", "source", "track", "picture", "portal", "noscript", "template"];

const NAMED_PREFIX = "user-content-";

/** "cid:part1.abc%40example" → "part1.abc@example" (RFC 2392 URLs are %-encoded Content-IDs). */
function decodeCid(url: string): string {
  const raw = url.trim().slice(4);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

let purifier: DOMPurify | null = null;
let state: { allowRemote: boolean; blocked: number; resolveCid: (contentId: string) => string | null } = { allowRemote: false, blocked: 0, resolveCid: () => null };

/**
 * CSS with every url() that is not an inline image replaced, and @import removed, unless remote
 * content is allowed (then only non-http schemes go). Also drops the legacy script-in-CSS forms.
 */
export function cleanCss(css: string, allowRemote: boolean, onBlocked: () => void = () => undefined): string {
  // CSS escapes can spell url( or @import in disguise; the checks below run on the decoded text, and
  // the browser gets that same text. Decoded until nothing changes, because "\\5c 75rl(" decodes once
  // to "\\75rl(", which the browser would decode again to "url(" (a double-decoding bypass); the
  // backslashes left after that are dropped so the browser has nothing more to decode.
  let result = css;
  for (let round = 0; round < 8; round += 1) {
    const decoded = result.replace(/\\([0-9a-f]{1,6}\s?|[^\r\n\f])/gi, (escape: string) => {
      const hex = /^\\([0-9a-f]{1,6})\s?$/i.exec(escape);
      return hex ? String.fromCodePoint(Math.min(Number.parseInt(hex[1], 16), 0x10ffff) || 0xfffd) : escape.slice(1);
    });
    if (decoded === result) break;
    result = decoded;
  }
  result = result.replace(/\\/g, "");
  result = result.replace(/\/\*[\s\S]*?\*\//g, "");
  result = result.replace(/expression\s*\(|behaviou?r\s*:|-moz-binding\s*:|javascript:/gi, () => "blocked:");
  result = result.replace(/@import\b[^;]*;?/gi, () => {
    onBlocked();
    return "";
  });
  result = result.replace(/url\s*\(\s*(['"]?)(.*?)\1\s*\)/gi, (whole: string, _quote: string, target: string) => {
    const url = target.trim();
    if (IMAGE_DATA_URL.test(url) || /^cid:/i.test(url)) return whole;
    if (allowRemote && /^https?:\/\//i.test(url)) return whole;
    onBlocked();
    return "none";
  });
  // image-set() and the like can load without url(), so every quoted remote address left goes too. A
  // browser resolves "http:host/x" (no slashes) and "\\host" as remote addresses as well, so every
  // string that starts like a URL with a scheme or an authority counts (found by the hostile corpus, H18).
  if (!allowRemote) {
    result = result.replace(/(?:-webkit-)?image-set\s*\(/gi, () => {
      onBlocked();
      return "blocked-image-set(";
    });
    result = result.replace(/(['"])\s*(?:[a-z][a-z0-9+.-]*:|\/\/|\\\\)[^'"]*\1/gi, (whole: string) => {
      if (/^['"]\s*(?:data:image\/|cid:)/i.test(whole)) return whole;
      onBlocked();
      return '""';
    });
  }
  return result;
}

function instance(): DOMPurify {
  if (purifier) return purifier;
  const { window } = new JSDOM("<!doctype html><html><body></body></html>");
  const dompurify = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0]);

  dompurify.addHook("uponSanitizeElement", (node, data) => {
    if (data.tagName === "style" && node.textContent !== null) {
      node.textContent = cleanCss(node.textContent, state.allowRemote, () => (state.blocked += 1));
    }
  });

  dompurify.addHook("afterSanitizeAttributes", (node) => {
    const element = node as Element;
    if (typeof element.getAttribute !== "function") return;
    if (element.hasAttribute("style")) {
      element.setAttribute("style", cleanCss(element.getAttribute("style") ?? "", state.allowRemote, () => (state.blocked += 1)));
    }
    const tag = element.tagName.toLowerCase();
    if (tag === "a" || tag === "area") {
      const href = element.getAttribute("href");
      if (href !== null && !LINK_SCHEMES.test(href.trim()) && !href.trim().startsWith("#")) element.removeAttribute("href");
      // Ids and names get a prefix (SANITIZE_NAMED_PROPS, against DOM clobbering); in-mail anchors follow it.
      if (href !== null && /^#[^#]/.test(href.trim()) && !href.trim().startsWith(`#${NAMED_PREFIX}`)) element.setAttribute("href", `#${NAMED_PREFIX}${href.trim().slice(1)}`);
      if (element.hasAttribute("href")) {
        // Opened outside the frame, with no way back to the webmail window.
        element.setAttribute("target", "_blank");
        element.setAttribute("rel", "noopener noreferrer");
      }
    }
    if (tag === "img") {
      const src = (element.getAttribute("src") ?? "").trim();
      if (IMAGE_DATA_URL.test(src)) return;
      if (/^cid:/i.test(src)) {
        const resolved = state.resolveCid(decodeCid(src));
        if (resolved) element.setAttribute("src", resolved);
        else element.removeAttribute("src");
        return;
      }
      if (/^https?:\/\//i.test(src) || REMOTE_URL.test(src)) {
        if (!state.allowRemote) {
          state.blocked += 1;
          element.removeAttribute("src");
          element.setAttribute("data-blocked-src", "");
        }
        return;
      }
      element.removeAttribute("src");
    }
  });

  purifier = dompurify;
  return dompurify;
}

export function sanitizeMailHtml(dirty: string, options: SanitizeOptions): SanitizedHtml {
  const dompurify = instance();
  state = { allowRemote: options.allowRemoteContent, blocked: 0, resolveCid: options.resolveCid ?? (() => null) };
  const html = dompurify.sanitize(dirty, {
    USE_PROFILES: { html: true },
    // Keep the <style> elements of the mail's <head>: without them most newsletters fall apart.
    FORCE_BODY: true,
    ADD_TAGS: ["style"],
    FORBID_TAGS: FORBIDDEN_TAGS,
    FORBID_ATTR: FORBIDDEN_ATTRIBUTES,
    ALLOW_DATA_ATTR: false,
    // id="__pwned" or name="location" would otherwise become properties of the frame's window and document.
    SANITIZE_NAMED_PROPS: true,
    ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto|tel|cid):|data:image\/(?:png|gif|jpe?g|webp|bmp);|#|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
    RETURN_TRUSTED_TYPE: false,
  });
  return { html, blockedRemote: state.blocked };
}
