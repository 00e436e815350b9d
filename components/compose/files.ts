// Files the composer takes in (picked, dropped, pasted): which fit in the message the server accepts,
// how far each one's upload has come, and images read for the editor.
import { estimatedMessageSize } from "@/lib/user-agent/compose/encoded-size";

/** Larger pictures go as attachments: the reader shows inline images up to this size (lib/user-agent/mail/message.ts). */
export const MAX_INLINE_IMAGE_BYTES = 5 * 1024 * 1024;

export interface SizeRefusal {
  file: File;
  /** The message's estimated size with this file, in bytes. */
  total: number;
}

/**
 * The files that fit, in order, and the first that would take the message past `limit` (with the
 * size the message would have had); none after it is taken, so what is added is what was chosen, in order.
 */
export function fitFiles(files: File[], bodyChars: number, sizes: number[], limit: number | null): { accepted: File[]; refused: SizeRefusal | null } {
  const accepted: File[] = [];
  const taken = [...sizes];
  for (const file of files) {
    const total = estimatedMessageSize(bodyChars, [...taken, file.size]);
    if (limit !== null && total > limit) return { accepted, refused: { file, total } };
    accepted.push(file);
    taken.push(file.size);
  }
  return { accepted, refused: null };
}

/**
 * Each file's share (0–1) of an upload of `files` that has sent `sent` of `total` bytes: the files are the
 * form's last parts, in order, so file i starts where the bytes of it and the files after it begin.
 */
export function fileProgress(files: File[], sent: number, total: number): Map<File, number> {
  const progress = new Map<File, number>();
  let rest = files.reduce((sum, file) => sum + file.size, 0);
  for (const file of files) {
    const start = total - rest;
    progress.set(file, file.size === 0 ? (sent >= start ? 1 : 0) : Math.min(1, Math.max(0, (sent - start) / file.size)));
    rest -= file.size;
  }
  return progress;
}

export function readDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => (typeof reader.result === "string" ? resolve(reader.result) : reject(new Error("unreadable")));
    reader.onerror = () => reject(reader.error ?? new Error("unreadable"));
    reader.readAsDataURL(file);
  });
}

/** Whether a drag carries files (not text or a link being moved within the page). */
export function carriesFiles(data: DataTransfer | null): boolean {
  return data !== null && [...data.types].includes("Files");
}
