// One logged-in user's IMAP connection, kept open across requests. Every mailbox operation runs under
// imapflow's mailbox lock, so requests from several tabs never interleave their SELECTs. When the
// browser watches a folder (Server-Sent Events) the connection goes back to it after each operation,
// and imapflow IDLEs there, so the server's untagged EXISTS/FETCH/EXPUNGE reach the watchers at once.
import "server-only";
import { EventEmitter } from "node:events";
import type { ImapFlow, MailboxObject } from "imapflow";
import { createImapClient, isAuthenticationFailure, type ImapCredentials } from "./client";
import type { ImapEndpoint } from "./endpoint";

export type MailboxChange =
  | { type: "exists"; path: string; count: number }
  | { type: "expunge"; path: string; uid: number | null }
  | { type: "flags"; path: string; uid: number | null; flags: string[] }
  /** The folder was re-opened after a reconnect or after another folder was used: changes may have been missed. */
  | { type: "resync"; path: string };

const RECONNECT_DELAYS_MS = [250, 1000, 3000, 10_000, 30_000];

export class ImapSession {
  readonly changes = new EventEmitter<{ change: [MailboxChange] }>();
  lastUsed = Date.now();
  private client: ImapFlow | null = null;
  private connecting: Promise<ImapFlow> | null = null;
  private watchers = new Map<string, number>();
  private closed = false;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Per-mailbox caches (sorted UID lists) that the list code keeps and this class invalidates. */
  readonly caches = new Map<string, unknown>();

  constructor(
    readonly id: string,
    readonly address: string,
    private credentials: ImapCredentials,
    private readonly endpoint: ImapEndpoint,
    adopted?: ImapFlow,
  ) {
    this.changes.setMaxListeners(100);
    if (adopted?.usable) this.attach(adopted);
  }

  get watching(): boolean {
    return this.watchers.size > 0;
  }

  /** A later login with a changed password brings the new one; the next reconnect uses it. */
  updatePassword(pass: string) {
    this.credentials = { ...this.credentials, pass };
  }

  private attach(client: ImapFlow) {
    this.client = client;
    client.on("exists", (event) => {
      this.invalidate(event.path);
      this.emit({ type: "exists", path: event.path, count: event.count });
    });
    client.on("expunge", (event) => {
      this.invalidate(event.path);
      this.emit({ type: "expunge", path: event.path, uid: event.uid ?? null });
    });
    client.on("flags", (event) => this.emit({ type: "flags", path: event.path, uid: event.uid ?? null, flags: [...event.flags] }));
    // Without a listener an 'error' event would crash the process; 'close' follows it.
    client.on("error", () => undefined);
    client.on("close", () => {
      if (this.client === client) this.client = null;
      if (!this.closed && this.watching) this.scheduleReconnect();
    });
  }

  private emit(change: MailboxChange) {
    this.changes.emit("change", change);
  }

  private invalidate(path: string) {
    for (const key of this.caches.keys()) if (key.startsWith(`${path}\0`)) this.caches.delete(key);
  }

  private scheduleReconnect() {
    if (this.reconnectTimer) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(this.reconnectAttempt, RECONNECT_DELAYS_MS.length - 1)];
    this.reconnectAttempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closed || !this.watching) return;
      this.returnToWatched(true).catch((error: unknown) => {
        // The password changed elsewhere: trying the old one again would only count as failed
        // logins against the account. The next request finds out and signs the session out.
        if (!isAuthenticationFailure(error)) this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }

  /** The connected client, connecting (again) when there is none or the last one dropped. */
  async connection(): Promise<ImapFlow> {
    if (this.closed) throw new Error("the IMAP session has ended");
    this.lastUsed = Date.now();
    if (this.client?.usable) return this.client;
    this.connecting ??= (async () => {
      const client = createImapClient(this.endpoint, this.credentials);
      try {
        await client.connect();
      } catch (error) {
        client.close();
        throw error;
      }
      if (this.closed) {
        await client.logout().catch(() => undefined);
        throw new Error("the IMAP session has ended");
      }
      this.caches.clear();
      this.attach(client);
      this.reconnectAttempt = 0;
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Runs `operation` with `path` selected; nothing else runs on the connection meanwhile. */
  async withMailbox<T>(path: string, operation: (client: ImapFlow, mailbox: MailboxObject) => Promise<T>): Promise<T> {
    const client = await this.connection();
    const lock = await client.getMailboxLock(path);
    let switched = false;
    try {
      const mailbox = client.mailbox;
      if (!mailbox) throw new Error(`mailbox ${path} is not open`);
      switched = !this.watchers.has(path);
      return await operation(client, mailbox);
    } finally {
      lock.release();
      this.lastUsed = Date.now();
      if (switched && this.watching) void this.returnToWatched(false).catch(() => undefined);
    }
  }

  /** Runs an operation that needs no particular mailbox (LIST, STATUS). */
  async withConnection<T>(operation: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = await this.connection();
    try {
      return await operation(client);
    } finally {
      this.lastUsed = Date.now();
    }
  }

  /**
   * Keeps `path` selected (and so IDLEd on) while the returned function has not been called. Several
   * watchers of different folders share one connection: the most recent one wins the IDLE.
   */
  watch(path: string): () => void {
    this.watchers.set(path, (this.watchers.get(path) ?? 0) + 1);
    this.preferred = path;
    void this.returnToWatched(false).catch(() => this.scheduleReconnect());
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.watchers.get(path) ?? 1) - 1;
      if (left > 0) this.watchers.set(path, left);
      else this.watchers.delete(path);
      if (this.preferred === path && left === 0) this.preferred = this.watchers.keys().next().value ?? null;
      this.lastUsed = Date.now();
    };
  }

  private preferred: string | null = null;

  private async returnToWatched(reconnected: boolean) {
    const path = this.preferred;
    if (path === null || this.closed) return;
    const client = await this.connection();
    if (client.mailbox && client.mailbox.path === path && !reconnected) return;
    const lock = await client.getMailboxLock(path);
    lock.release();
    this.emit({ type: "resync", path });
  }

  async close() {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.changes.removeAllListeners();
    const client = this.client ?? (await this.connecting?.catch(() => null)) ?? null;
    this.client = null;
    if (client?.usable) await client.logout().catch(() => client.close());
    else client?.close();
  }
}
