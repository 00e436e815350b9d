// The identity's signature in the composer: put under the first paragraph (above a quoted original, as
// replies are written on top) behind the "-- " line, and swapped when another identity is chosen. What
// was inserted is remembered (its place by the "-- " line, its length in blocks) so only it is replaced;
// a signature the user rewrote by hand is left alone and the new one goes in beside it.
import type { Editor } from "@tiptap/react";
import type { Identity } from "@/lib/user-agent/settings/types";
import { textToHtml } from "./reply";

const SEPARATOR = "-- ";

/** The signature as the editor's HTML, behind the separator; "" when the identity has none. */
export function signatureHtml(identity: Identity): string {
  if (!identity.signature.trim()) return "";
  return `<p>${SEPARATOR}</p>${identity.signatureHtml ? identity.signature : textToHtml(identity.signature)}`;
}

/** The signature as plain text, on its own lines; "" when the identity has none. */
export function signatureText(identity: Identity): string {
  if (!identity.signature.trim()) return "";
  const text = identity.signatureHtml ? (new DOMParser().parseFromString(identity.signature, "text/html").body.textContent ?? "") : identity.signature;
  return `\n${SEPARATOR}\n${text.trim()}\n`;
}

/** What is in the editor now: how many top-level blocks the inserted signature took (0: none). */
export type InsertedSignature = { blocks: number };

/** Where the separator paragraph starts, and the end of `blocks` blocks from it; null when it is gone. */
function signatureRange(editor: Editor, blocks: number): { from: number; to: number } | null {
  const doc = editor.state.doc;
  let offset = 0;
  for (let index = 0; index < doc.childCount; index++) {
    const node = doc.child(index);
    if (node.type.name === "paragraph" && node.textContent.trim() === SEPARATOR.trim() && index + blocks <= doc.childCount) {
      let to = offset;
      for (let block = index; block < index + blocks; block++) to += doc.child(block).nodeSize;
      return { from: offset, to };
    }
    offset += node.nodeSize;
  }
  return null;
}

/** Puts the identity's signature in, replacing the one inserted before; what is in now. */
export function placeSignature(editor: Editor, identity: Identity, previous: InsertedSignature): InsertedSignature {
  const html = signatureHtml(identity);
  const range = previous.blocks > 0 ? signatureRange(editor, previous.blocks) : null;
  const doc = editor.state.doc;
  const at = range?.from ?? (doc.childCount > 0 ? doc.child(0).nodeSize : 0);
  const before = doc.childCount - (range ? previous.blocks : 0);
  let chain = editor.chain();
  if (range) chain = chain.deleteRange(range);
  if (html) chain = chain.insertContentAt(at, html, { updateSelection: false });
  chain.run();
  return { blocks: html ? editor.state.doc.childCount - before : 0 };
}

/** The plain-text body with the old signature block swapped for the new one (or the new one added under the first line). */
export function swapSignatureText(text: string, previous: string, next: string): string {
  const at = previous ? text.indexOf(previous) : -1;
  if (at !== -1) return text.slice(0, at) + next + text.slice(at + previous.length);
  if (!next) return text;
  const firstBreak = text.indexOf("\n");
  return firstBreak === -1 ? text + "\n" + next : text.slice(0, firstBreak + 1) + next + text.slice(firstBreak + 1);
}
