// The server at a glance for administrators: listeners and their ports, queue depth, messages in and
// out today and per hour over the last 24 hours (store/traffic.ts), disk use of DATA_DIR, quota use.
import { promises as fs } from "node:fs";
import path from "node:path";
import { adminListenAddress, type Config } from "@/lib/config";
import type { MailStore } from "../../store";
import type { Reply, RouteContext } from "../request";

const HOUR_MS = 3_600_000;
/** Walking a large blob directory takes a while: its size is measured at most once a minute. */
const DISK_CACHE_MS = 60_000;
let diskCache: { dir: string; at: number; bytes: number } | null = null;

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await directoryBytes(full);
    else if (entry.isFile()) total += await fs.stat(full).then((s) => s.size, () => 0);
  }
  return total;
}

async function dataDirBytes(dir: string): Promise<number> {
  if (diskCache && diskCache.dir === dir && Date.now() - diskCache.at < DISK_CACHE_MS) return diskCache.bytes;
  const bytes = await directoryBytes(dir);
  diskCache = { dir, at: Date.now(), bytes };
  return bytes;
}

/** Free and total bytes of the file system holding DATA_DIR, or null where statfs can't say. */
async function fileSystem(dir: string): Promise<{ freeBytes: number; totalBytes: number } | null> {
  try {
    const stats = await fs.statfs(dir);
    return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
  } catch {
    return null;
  }
}

export type ServerStatus = Awaited<ReturnType<typeof collectStatus>>;

/** Also `mailctl status`, which passes the configured ports since it runs beside the server. */
export async function collectStatus(store: MailStore, config: Config, endpoints: { name: string; port: number }[]) {
  const now = new Date();
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  const [hours, sinceMidnight, queued, accounts, disk, fsInfo] = await Promise.all([
    store.traffic.hours(new Date(now.getTime() - 23 * HOUR_MS), now),
    store.traffic.hours(midnight, now),
    store.sql.query<{ messages: number | string; recipients: number | string }>(
      `SELECT (SELECT COUNT(*) FROM "QueueMessage") AS "messages", (SELECT COUNT(*) FROM "QueueRecipient" WHERE "state" = 'queued') AS "recipients"`,
    ),
    store.accounts.listAccounts(),
    dataDirBytes(config.dataDir),
    fileSystem(config.dataDir),
  ]);
  const used = accounts.reduce((sum, a) => sum + a.usedBytes, 0n);
  const quota = accounts.reduce((sum, a) => sum + a.quotaBytes, 0n);
  return {
    hostname: config.hostname,
    listeners: endpoints.map((e) => ({ name: e.name, address: e.name === "admin" ? adminListenAddress(config.bindAddress) : config.bindAddress, port: e.port })),
    queue: { messages: Number(queued[0].messages), waitingRecipients: Number(queued[0].recipients) },
    today: sinceMidnight.reduce((sum, h) => ({ in: sum.in + h.in, out: sum.out + h.out }), { in: 0, out: 0 }),
    hours: hours.map((h) => ({ hour: h.hour.toISOString(), in: h.in, out: h.out })),
    disk: { dataDir: config.dataDir, usedBytes: String(disk), ...(fsInfo ? { freeBytes: String(fsInfo.freeBytes), totalBytes: String(fsInfo.totalBytes) } : {}) },
    quota: { accounts: accounts.length, usedBytes: String(used), quotaBytes: String(quota), overQuota: accounts.filter((a) => a.usedBytes >= a.quotaBytes).length },
  };
}

export async function serverStatus({ store, config, server }: RouteContext): Promise<Reply> {
  return { status: 200, body: await collectStatus(store, config, server.endpoints()) };
}
