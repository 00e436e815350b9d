// Messages in and out per hour, for the administrator's status page (TrafficHour). Counted in memory
// and added to the table every few seconds: one upsert per hour and direction instead of one write per
// message on the delivery path. A crash loses at most the last few seconds of counts, never mail.
import type { SqlRunner } from "./sql";

export type Direction = "in" | "out";

const FLUSH_MS = 5_000;
const HOUR_MS = 3_600_000;

export const hourOf = (date: Date) => Math.floor(date.getTime() / HOUR_MS);

export interface HourCount {
  /** Start of the hour. */
  hour: Date;
  in: number;
  out: number;
}

export class Traffic {
  private pending = new Map<string, { hour: number; direction: Direction; messages: number }>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly sql: SqlRunner) {}

  count(direction: Direction, now = new Date()) {
    const hour = hourOf(now);
    const key = `${hour}:${direction}`;
    const entry = this.pending.get(key) ?? { hour, direction, messages: 0 };
    entry.messages++;
    this.pending.set(key, entry);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS).unref();
  }

  /** Writes the counts gathered so far; waits for a write already under way. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.values()];
    this.pending.clear();
    this.flushing = this.flushing.then(async () => {
      if (!batch.length) return;
      try {
        await this.sql.transaction(async (tx) => {
          for (const { hour, direction, messages } of batch) {
            await tx.query(
              `INSERT INTO "TrafficHour" ("hour", "direction", "messages") VALUES (?, ?, ?)
               ON CONFLICT ("hour", "direction") DO UPDATE SET "messages" = "TrafficHour"."messages" + excluded."messages"`,
              [hour, direction, messages],
            );
          }
        });
      } catch (error) {
        console.error(`traffic counts lost: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    return this.flushing;
  }

  /** Counts of the hours from `since` to `now` (both included), oldest first, with what is not yet written. */
  async hours(since: Date, now = new Date()): Promise<HourCount[]> {
    const first = hourOf(since);
    const last = hourOf(now);
    const rows = await this.sql.query<{ hour: number | string; direction: string; messages: number | string }>(
      `SELECT "hour", "direction", "messages" FROM "TrafficHour" WHERE "hour" >= ? AND "hour" <= ?`,
      [first, last],
    );
    const counts = Array.from({ length: last - first + 1 }, (_, i): HourCount => ({ hour: new Date((first + i) * HOUR_MS), in: 0, out: 0 }));
    const add = (hour: number, direction: string, messages: number) => {
      const slot = counts[hour - first];
      if (slot && (direction === "in" || direction === "out")) slot[direction] += messages;
    };
    for (const row of rows) add(Number(row.hour), row.direction, Number(row.messages));
    for (const entry of this.pending.values()) add(entry.hour, entry.direction, entry.messages);
    return counts;
  }
}
