// Content-Disposition for downloads (RFC 6266): an ASCII filename for old clients and filename* with
// the real name in UTF-8 (RFC 8187). Names come from mail, so anything that could break the header or
// a file system is replaced.

function safeName(name: string): string {
  const cleaned = name
    // Bidirectional controls would let "invoice\u202Efdp.exe" pass for a PDF in the save dialog.
    .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/[\u0000-\u001f\u007f"\\/:*?<>|]/g, "_")
    .replace(/^[.\s]+|[.\s]+$/g, "")
    .slice(0, 200);
  return cleaned || "attachment";
}

export function contentDisposition(kind: "attachment" | "inline", filename: string): string {
  const name = safeName(filename);
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/%/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

// Types a browser shows but cannot run anything in; everything else is sent as bytes.
const INERT_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "audio/mpeg", "audio/ogg", "video/mp4", "video/webm"]);

export function safeContentType(type: string): string {
  const bare = type.split(";")[0].trim().toLowerCase();
  if (!INERT_TYPES.has(bare)) return "application/octet-stream";
  // No charset claimed for text: imapflow converts inline text parts to UTF-8 but leaves attachments as sent.
  return bare;
}

/** Types shown in the page (image, PDF, player) rather than only downloaded. */
export function isPreviewable(type: string): boolean {
  const bare = safeContentType(type);
  return bare !== "application/octet-stream" && bare !== "text/plain";
}
