// How large a message will be on the wire, estimated before it is composed: what the composer checks
// against the server's SIZE when a file is added. Shared by the browser and the server (pure).

/** Headers of the message and of its text and HTML parts, with room for long recipient lists. */
export const MESSAGE_OVERHEAD_BYTES = 8 * 1024;
/** Each attachment's part headers (Content-Type, Content-Disposition with an RFC 2231 name) and boundary. */
export const PART_OVERHEAD_BYTES = 512;

/** Bytes of `size` bytes in base64 as MIME writes it: 4 characters per 3 bytes, CRLF after every 76. */
export function base64Size(size: number): number {
  const encoded = Math.ceil(size / 3) * 4;
  return encoded + Math.ceil(encoded / 76) * 2;
}

/**
 * The message's estimated size: attachments in base64 with their part headers, and the body's characters
 * twice (the HTML part and the text made from it, each a little larger in quoted-printable). Inline images
 * are in the body already as base64 data: URLs, about the size they will have as parts.
 */
export function estimatedMessageSize(bodyChars: number, attachmentSizes: number[]): number {
  return MESSAGE_OVERHEAD_BYTES + bodyChars * 2 + attachmentSizes.reduce((sum, size) => sum + base64Size(size) + PART_OVERHEAD_BYTES, 0);
}
