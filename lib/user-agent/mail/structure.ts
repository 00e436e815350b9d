// Reading a BODYSTRUCTURE: which part to show as the body, which parts are attachments. Pure, so the
// rules are tested without a server.
import type { MessageStructureObject } from "imapflow";
import type { AttachmentInfo } from "./types";

export interface BodyChoice {
  part: string;
  format: "html" | "text";
}

function isMultipart(node: MessageStructureObject): boolean {
  return node.type.toLowerCase().startsWith("multipart/");
}

/** IMAP part number: a non-multipart message's only body is part "1". */
function partOf(node: MessageStructureObject): string {
  return node.part ?? "1";
}

function isAttachmentNode(node: MessageStructureObject): boolean {
  if (node.disposition?.toLowerCase() === "attachment") return true;
  const type = node.type.toLowerCase();
  return !type.startsWith("text/") && !isMultipart(node);
}

/** The part shown as the message: HTML when there is an HTML alternative, else plain text. */
export function chooseBody(root: MessageStructureObject): BodyChoice | null {
  const type = root.type.toLowerCase();
  if (!isMultipart(root)) {
    if (root.disposition?.toLowerCase() === "attachment") return null;
    if (type === "text/html") return { part: partOf(root), format: "html" };
    if (type === "text/plain" || type === "text/enriched" || type === "text") return { part: partOf(root), format: "text" };
    return null;
  }
  const children = root.childNodes ?? [];
  if (type === "multipart/alternative") {
    // The last alternative is the richest (RFC 2046); prefer HTML, then plain text.
    const choices = children.map(chooseBody).filter((choice): choice is BodyChoice => choice !== null);
    return choices.findLast((c) => c.format === "html") ?? choices.findLast((c) => c.format === "text") ?? null;
  }
  // mixed, related, signed and the rest: the first part that yields a body.
  for (const child of children) {
    if (child.type.toLowerCase() === "message/rfc822") continue;
    const choice = chooseBody(child);
    if (choice) return choice;
  }
  return null;
}

function filenameOf(node: MessageStructureObject): string | null {
  const name = node.dispositionParameters?.filename ?? node.parameters?.name ?? null;
  return name === null ? null : displayFilename(name) || null;
}

function decodedSize(node: MessageStructureObject): number {
  const size = node.size ?? 0;
  return node.encoding?.toLowerCase() === "base64" ? Math.floor((size * 3) / 4) : size;
}

function defaultName(type: string, index: number): string {
  if (type === "message/rfc822") return `message-${index}.eml`;
  return `attachment-${index}`;
}

/** Parts offered for download: everything that is not the shown body nor an inline image of an HTML body. */
export function listAttachments(root: MessageStructureObject, body: BodyChoice | null): AttachmentInfo[] {
  const found: AttachmentInfo[] = [];
  const walk = (node: MessageStructureObject, insideRelated: boolean) => {
    const type = node.type.toLowerCase();
    if (isMultipart(node)) {
      for (const child of node.childNodes ?? []) walk(child, insideRelated || type === "multipart/related");
      return;
    }
    const part = partOf(node);
    if (body && part === body.part) return;
    const filename = filenameOf(node);
    // Images referenced by cid: from an HTML body are part of how it looks, not attachments.
    if (insideRelated && node.id && node.disposition?.toLowerCase() !== "attachment") return;
    if (!isAttachmentNode(node) && !filename) return;
    found.push({ part, filename: filename ?? defaultName(type, found.length + 1), contentType: type, size: decodedSize(node) });
  };
  walk(root, false);
  return found;
}

export function hasAttachments(root: MessageStructureObject | undefined): boolean {
  return root ? listAttachments(root, chooseBody(root)).length > 0 : false;
}

export interface InlinePart {
  part: string;
  contentType: string;
  size: number;
}

const INLINE_IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** Image parts with a Content-ID, by that ID without its angle brackets: what cid: URLs may name. */
export function inlineImages(root: MessageStructureObject): Map<string, InlinePart> {
  const found = new Map<string, InlinePart>();
  const walk = (node: MessageStructureObject) => {
    if (isMultipart(node)) {
      for (const child of node.childNodes ?? []) walk(child);
      return;
    }
    const type = node.type.toLowerCase();
    if (!node.id || !INLINE_IMAGE_TYPES.has(type)) return;
    const id = node.id.trim().replace(/^<|>$/g, "");
    if (id && !found.has(id)) found.set(id, { part: partOf(node), contentType: type, size: decodedSize(node) });
  };
  walk(root);
  return found;
}

// Bidirectional controls make "invoice\u202Efdp.exe" read as "invoiceexe.pdf"; names come from mail.
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function displayFilename(name: string): string {
  return name.replace(BIDI_CONTROLS, "").replace(/[\u0000-\u001f\u007f]/g, " ").trim();
}
