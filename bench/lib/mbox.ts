/**
 * A corpus as mbox files for `mailctl import` (the product's bulk import): mboxrd quoting, the arrival
 * time on each "From " line, a new file every `batch` messages (the CLI reads a file whole), written in
 * slices so the corpus never sits in memory whole.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { CorpusMessage } from "./corpus";

/** "Thu Nov 26 17:00:00 2026": asctime in UTC, as the "From " line carries it. */
function fromLineDate(date: Date): string {
  const [weekday, day, month, year, time] = date.toUTCString().replace(",", "").split(" ");
  return `${weekday} ${month} ${day.padStart(2, " ")} ${time} ${year}`;
}

export interface MboxFacts {
  files: string[];
  messages: number;
  bytes: number;
}

export function writeMboxFiles(messages: Iterable<CorpusMessage>, dir: string, batch: number, progress?: (written: number) => void): MboxFacts {
  const files: string[] = [];
  let pending: Buffer[] = [];
  const flush = () => {
    if (pending.length) appendFileSync(files[files.length - 1], Buffer.concat(pending));
    pending = [];
  };
  let count = 0;
  let bytes = 0;
  for (const message of messages) {
    if (count % batch === 0) {
      flush();
      files.push(join(dir, `part-${String(files.length).padStart(4, "0")}.mbox`));
    }
    // mboxrd: every line that would read as a separator, quoted or not, gets one more ">".
    const quoted = message.raw.toString("latin1").replace(/^(>*From )/gm, ">$1");
    pending.push(Buffer.from(`From MAILER-DAEMON ${fromLineDate(message.received)}\r\n${quoted}\r\n`, "latin1"));
    if (pending.length >= 500) flush();
    bytes += message.raw.length;
    count++;
    if (count % 10_000 === 0) progress?.(count);
  }
  flush();
  return { files, messages: count, bytes };
}
