// The webmail's IMAP side (lib/user-agent) against the bundled server over the wire: one pooled
// connection per session, server-side SORT with paging, body and attachment fetches, live changes
// while watching a folder, reconnecting after a drop, and closing when idle or at logout.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { MailboxChange } from "@/lib/user-agent/imap/session";
import { crlf, multipartMessage, startImapServer, textMessage, type ImapTestServer, type TestAccount } from "../helpers/imap";

vi.mock("server-only", () => ({}));
const { ImapSession } = await import("@/lib/user-agent/imap/session");
const { ImapSessionPool } = await import("@/lib/user-agent/imap/pool");
const { listFolders } = await import("@/lib/user-agent/mail/folders");
const { listMessages } = await import("@/lib/user-agent/mail/list");
const { searchMessages } = await import("@/lib/user-agent/mail/search");
const { openMessage, setFlags } = await import("@/lib/user-agent/mail/message");
const { openAttachment } = await import("@/lib/user-agent/mail/attachment");
type Session = InstanceType<typeof ImapSession>;
type Change = MailboxChange;

let t: ImapTestServer;
let account: TestAccount;

function endpoint() {
  return { host: "127.0.0.1", port: t.imapPort, secure: false, requireStartTls: false, loopback: true, acceptSelfSigned: false };
}

function newSession(id = `s-${Math.random().toString(36).slice(2)}`) {
  return new ImapSession(id, account.address, { user: account.address, pass: account.password }, endpoint());
}

function nextChange(session: Session, predicate: (change: Change) => boolean, timeoutMs = 2000): Promise<Change> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no change event in time")), timeoutMs);
    const listener = (change: Change) => {
      if (!predicate(change)) return;
      clearTimeout(timer);
      session.changes.off("change", listener);
      resolve(change);
    };
    session.changes.on("change", listener);
  });
}

beforeAll(async () => {
  t = await startImapServer();
  account = await t.account("webmail");
  await t.put(account, textMessage("oldest", { to: account.address, date: "Mon, 02 Nov 2026 10:00:00 +0000" }));
  await t.put(account, textMessage("newest", { to: account.address, date: "Wed, 25 Nov 2026 10:00:00 +0000" }));
  await t.put(account, textMessage("middle", { to: account.address, date: "Sun, 15 Nov 2026 10:00:00 +0000" }));
  await t.put(account, multipartMessage("with attachment", { to: account.address, filename: "report.bin" }), { flags: ["\\Seen"] });
  await t.put(
    account,
    crlf(
      `From: Mallory <m@remote.test>\nTo: ${account.address}\nSubject: html\nDate: Tue, 03 Nov 2026 10:00:00 +0000\nMIME-Version: 1.0\n` +
        `Content-Type: multipart/alternative; boundary=B\n\n--B\nContent-Type: text/plain\n\nplain version\n--B\n` +
        `Content-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n<p>caf=E9</p><script>alert(1)</script><img src=3D"https://t.test/p.gif">\n--B--\n`,
    ),
  );
}, 60_000);

afterAll(async () => {
  await t?.cleanup();
});

describe("search", () => {
  it("ranks matches by arrival, newest first: one folder by the server's SORT, all folders merged, a page at a time", async () => {
    const searcher = await t.account("searcher");
    const day = (n: number) => new Date(Date.UTC(2026, 10, n, 12));
    // Arrival order differs from UID order, and Archive's match lies between two of INBOX's.
    await t.put(searcher, textMessage("pelican one", { body: "a pelican" }), { internalDate: day(20) });
    await t.put(searcher, textMessage("pelican two", { body: "two pelicans? no: pelican" }), { internalDate: day(5) });
    await t.put(searcher, textMessage("gull", { body: "no such bird here" }), { internalDate: day(21) });
    await t.put(searcher, textMessage("pelican three", { body: "pelican" }), { internalDate: day(10) });
    await t.put(searcher, textMessage("archived pelican", { body: "pelican" }), { mailbox: "Archive", internalDate: day(15) });
    const session = new ImapSession("search", searcher.address, { user: searcher.address, pass: searcher.password }, endpoint());
    try {
      const inbox = await searchMessages(session, { text: "pelican", folder: "INBOX" }, 0, 2);
      expect(inbox.total).toBe(3);
      expect(inbox.hits.map((hit) => hit.subject)).toEqual(["pelican one", "pelican three"]);
      const rest = await searchMessages(session, { text: "pelican", folder: "INBOX" }, 2, 2);
      expect(rest.hits.map((hit) => hit.subject)).toEqual(["pelican two"]);

      const everywhere = await searchMessages(session, { text: "pelican", folder: null }, 0, 3);
      expect(everywhere.total).toBe(4);
      expect(everywhere.hits.map((hit) => [hit.folder, hit.subject])).toEqual([
        ["INBOX", "pelican one"],
        ["Archive", "archived pelican"],
        ["INBOX", "pelican three"],
      ]);
      const last = await searchMessages(session, { text: "pelican", folder: null }, 3, 3);
      expect(last.hits.map((hit) => hit.subject)).toEqual(["pelican two"]);
      expect((await searchMessages(session, { from: "nobody-like-this", folder: null }, 0, 10)).total).toBe(0);
    } finally {
      await session.close();
    }
  });
});

describe("pooled IMAP session", () => {
  it("reuses one connection across operations", async () => {
    const session = newSession();
    try {
      const first = await session.connection();
      const folders = await listFolders(session);
      await listMessages(session, "INBOX", "date-desc", 0, 10);
      expect(await session.connection()).toBe(first);
      expect(folders[0]).toMatchObject({ path: "INBOX", name: "Inbox", specialUse: "inbox", messages: 5, unseen: 4 });
      expect(folders.map((f) => f.specialUse)).toEqual(expect.arrayContaining(["sent", "trash", "drafts", "junk", "archive"]));
    } finally {
      await session.close();
    }
  });

  it("lists in the server's date order, a page at a time", async () => {
    const session = newSession();
    try {
      const page = await listMessages(session, "INBOX", "date-desc", 0, 2);
      expect(page.serverSorted).toBe(true);
      expect(page.total).toBe(5);
      expect(page.messages.map((m) => m.subject)).toEqual(["with attachment", "newest"]);
      const rest = await listMessages(session, "INBOX", "date-desc", 2, 10);
      expect(rest.messages.map((m) => m.subject)).toEqual(["middle", "html", "oldest"]);
      expect(page.messages[0]).toMatchObject({ hasAttachments: true, seen: true, from: { name: "Alice", address: "alice@remote.test" } });
      expect(page.messages[0].snippet).toBe("Hello Bob, see the attachment.");
      expect(page.messages[1].snippet).toBe("Body of newest.");
      const ascending = await listMessages(session, "INBOX", "date-asc", 0, 1);
      expect(ascending.messages[0].subject).toBe("oldest");
    } finally {
      await session.close();
    }
  });

  it("opens a message: the HTML part decoded and sanitised, remote images held back; attachments on demand", async () => {
    const session = newSession();
    try {
      const page = await listMessages(session, "INBOX", "date-desc", 0, 10);
      const html = page.messages.find((m) => m.subject === "html")!;
      const view = await openMessage(session, "INBOX", html.uid, false);
      expect(view?.format).toBe("html");
      expect(view?.document).toContain("<p>café</p>");
      expect(view?.document).not.toMatch(/<script|t\.test/);
      expect(view?.remoteContentBlocked).toBe(true);
      // Reading used PEEK: still unread until the page marks it.
      expect(view?.flags).not.toContain("\\Seen");
      await setFlags(session, "INBOX", [html.uid], ["\\Seen"], []);
      expect((await openMessage(session, "INBOX", html.uid, true))?.flags).toContain("\\Seen");

      const withAttachment = page.messages.find((m) => m.subject === "with attachment")!;
      const mixed = await openMessage(session, "INBOX", withAttachment.uid, false);
      expect(mixed?.format).toBe("text");
      expect(mixed?.attachments).toEqual([expect.objectContaining({ part: "2", filename: "report.bin", contentType: "application/octet-stream" })]);
      const download = await openAttachment(session, "INBOX", withAttachment.uid, "2");
      expect(download?.filename).toBe("report.bin");
      const bytes = Buffer.from(await new Response(download!.body).arrayBuffer());
      expect(bytes.toString("latin1")).toBe("PDF-ish bytes \x00\x01\x02 end");
      // The lock was released when the stream ended: the session still works.
      expect((await listMessages(session, "INBOX", "date-desc", 0, 1)).total).toBe(5);
    } finally {
      await session.close();
    }
  });

  it("while a folder is watched, new mail and flag changes arrive as events within 2 s", async () => {
    const session = newSession();
    const unwatch = session.watch("INBOX");
    try {
      await listMessages(session, "INBOX", "date-desc", 0, 1);
      // Let the connection settle into IDLE, as it does between a user's clicks.
      await new Promise((r) => setTimeout(r, 600));
      const arrived = nextChange(session, (c) => c.type === "exists");
      const started = Date.now();
      await t.deliver(account.address, textMessage("live one", { to: account.address }));
      expect(await arrived).toMatchObject({ type: "exists", path: "INBOX" });
      expect(Date.now() - started).toBeLessThan(2000);
      // The sorted list was dropped with the news: the next page has it.
      expect((await listMessages(session, "INBOX", "date-desc", 0, 100)).total).toBe(6);

      const other = newSession();
      const page = await listMessages(other, "INBOX", "date-desc", 0, 100);
      const target = page.messages.find((m) => m.subject === "oldest")!;
      const flagged = nextChange(session, (c) => c.type === "flags" && c.uid === target.uid);
      await setFlags(other, "INBOX", [target.uid], ["\\Flagged"], []);
      expect(await flagged).toMatchObject({ flags: expect.arrayContaining(["\\Flagged"]) });
      await other.close();
    } finally {
      unwatch();
      await session.close();
    }
  });

  it("reconnects by itself after the connection drops while watching, and says so (resync)", async () => {
    const session = newSession();
    const unwatch = session.watch("INBOX");
    try {
      const first = await session.connection();
      await listMessages(session, "INBOX", "date-desc", 0, 1);
      const resynced = nextChange(session, (c) => c.type === "resync", 5000);
      first.close();
      await resynced;
      const second = await session.connection();
      expect(second).not.toBe(first);
      expect(second.usable).toBe(true);
      expect((await listMessages(session, "INBOX", "date-desc", 0, 1)).total).toBeGreaterThan(0);
    } finally {
      unwatch();
      await session.close();
    }
  });
});

describe("session pool", () => {
  it("logs out at end(), and closes sessions idle longer than the timeout unless watched", async () => {
    vi.stubEnv("IMAP_PORT", String(t.imapPort));
    vi.stubEnv("IMAP_URL", "");
    vi.stubEnv("BIND_ADDRESS", "127.0.0.1");
    try {
      const pool = new ImapSessionPool(60_000);
      const identity = { sessionId: "pool-1", address: account.address, password: account.password };
      const session = pool.get(identity);
      expect(pool.get(identity)).toBe(session);
      const client = await session.connection();
      await pool.end("pool-1");
      expect(client.usable).toBe(false);
      expect(pool.size).toBe(0);

      const idle = pool.get({ ...identity, sessionId: "pool-2" });
      const watched = pool.get({ ...identity, sessionId: "pool-3" });
      const stop = watched.watch("INBOX");
      await idle.connection();
      pool.sweep(Date.now() + 61_000);
      expect(pool.size).toBe(1);
      stop();
      pool.sweep(Date.now() + 61_000);
      expect(pool.size).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
