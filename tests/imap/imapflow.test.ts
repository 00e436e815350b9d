// The webmail's own IMAP client library, imapflow, end to end against our server: connect
// (STARTTLS and IMAPS), list with special-use, open, fetch envelopes/structure/source,
// download a part, flags, search, copy/move with UID maps, delete, append, mailbox
// management with Chinese names, STATUS, and IDLE notifications.
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FetchMessageObject, ImapFlow } from "imapflow";
import { multipartMessage, startImapServer, textMessage, type ImapTestServer, type TestAccount } from "../helpers/imap";

const ATTACHMENT = Buffer.from("%PDF-1.4 pretend \x00\x01\x02\xff end", "latin1");

async function collect(iterable: AsyncIterable<FetchMessageObject>): Promise<FetchMessageObject[]> {
  const out: FetchMessageObject[] = [];
  for await (const message of iterable) out.push(message);
  return out;
}

/** client.status() that fails the test instead of answering false. */
async function statusOf(client: ImapFlow, path: string, query: Parameters<ImapFlow["status"]>[1]) {
  const status = await client.status(path, query);
  if (!status) throw new Error(`STATUS ${path} failed`);
  return status;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe("imapflow against our IMAP server", () => {
  let t: ImapTestServer;
  beforeAll(async () => {
    t = await startImapServer();
  });
  afterAll(async () => t?.cleanup());

  async function session(account: TestAccount, options: { secure?: boolean } = {}): Promise<ImapFlow> {
    return t.imapflow(account, options);
  }

  it("connects on IMAP_PORT and upgrades with STARTTLS, then lists mailboxes with their special use", async () => {
    const account = await t.account();
    const client = await session(account);
    expect(client.secureConnection).toBe(true);
    expect(client.authenticated).toBeTruthy();
    const list = await client.list();
    const byPath = Object.fromEntries(list.map((m) => [m.path, m]));
    expect(Object.keys(byPath).sort()).toEqual(["Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash"]);
    expect(byPath.Sent.specialUse).toBe("\\Sent");
    expect(byPath.Drafts.specialUse).toBe("\\Drafts");
    expect(byPath.Trash.specialUse).toBe("\\Trash");
    expect(byPath.Junk.specialUse).toBe("\\Junk");
    expect(byPath.Archive.specialUse).toBe("\\Archive");
    expect(byPath.INBOX.specialUse).toBe("\\Inbox");
    expect(byPath.INBOX.delimiter).toBe("/");
    await client.logout();
  });

  it("connects on IMAPS_PORT with implicit TLS", async () => {
    const account = await t.account();
    const client = await session(account, { secure: true });
    expect(client.secureConnection).toBe(true);
    expect((await statusOf(client, "INBOX", { messages: true })).messages).toBe(0);
    await client.logout();
  });

  it("opens INBOX and fetches envelopes, body structure, flags and the source", async () => {
    const account = await t.account();
    const plain = textMessage("Plain one", { messageId: "<plain@remote.test>", to: account.address });
    const mixed = multipartMessage("With attachment", { to: account.address, attachment: ATTACHMENT, filename: "report.pdf" });
    await t.put(account, plain, { flags: ["\\Seen"] });
    await t.put(account, mixed);
    const client = await session(account);
    const mailbox = await client.mailboxOpen("INBOX");
    expect(mailbox.exists).toBe(2);
    expect(mailbox.uidNext).toBe(3);
    expect(mailbox.uidValidity).toBe(BigInt((await t.store.folders.get(account.id, "INBOX"))!.uidValidity));

    const messages = await collect(client.fetch("1:*", { uid: true, flags: true, envelope: true, bodyStructure: true, source: true, size: true, internalDate: true }));
    expect(messages.map((m) => m.uid)).toEqual([1, 2]);
    expect(messages[0].envelope?.subject).toBe("Plain one");
    expect(messages[0].envelope?.messageId).toBe("<plain@remote.test>");
    expect(messages[0].envelope?.from?.[0]).toMatchObject({ name: "Alice", address: "alice@remote.test" });
    expect(messages[0].envelope?.to?.[0].address).toBe(account.address);
    // mailboxOpen is a SELECT, the first: the messages are \Recent for this session.
    expect([...(messages[0].flags ?? [])]).toEqual(["\\Seen", "\\Recent"]);
    expect(messages[0].source?.equals(plain)).toBe(true);
    expect(messages[0].size).toBe(plain.length);
    expect(messages[0].internalDate).toBeInstanceOf(Date);

    const structure = messages[1].bodyStructure!;
    expect(structure.type).toBe("multipart/mixed");
    expect(structure.childNodes?.map((p) => [p.part, p.type])).toEqual([
      ["1", "text/plain"],
      ["2", "application/octet-stream"],
    ]);
    expect(structure.childNodes?.[1].disposition).toBe("attachment");
    expect(structure.childNodes?.[1].dispositionParameters?.filename).toBe("report.pdf");
    expect(structure.childNodes?.[1].encoding).toBe("base64");
    // Fetching the source (BODY.PEEK[]) leaves \Seen alone.
    const peeked = await client.fetchOne("2", { flags: true });
    expect(peeked && [...(peeked.flags ?? [])]).toEqual(["\\Recent"]);
    await client.logout();
  });

  it("downloads an attachment part decoded, and the text part with its charset", async () => {
    const account = await t.account();
    await t.put(account, multipartMessage("Download", { to: account.address, attachment: ATTACHMENT, filename: "report.pdf" }));
    const client = await session(account);
    await client.mailboxOpen("INBOX");
    const attachment = await client.download("1", "2", { uid: true });
    expect(attachment.meta?.contentType).toBe("application/octet-stream");
    expect(attachment.meta?.filename).toBe("report.pdf");
    expect((await readStream(attachment.content!)).equals(ATTACHMENT)).toBe(true);
    const text = await client.download("1", "1", { uid: true });
    expect((await readStream(text.content!)).toString("utf8")).toBe("Hello Bob,\r\nsee the attachment.");
    await client.logout();
  });

  it("adds, removes and sets flags and keywords", async () => {
    const account = await t.account();
    for (const n of [1, 2, 3]) await t.put(account, textMessage(`flags ${n}`));
    const client = await session(account);
    await client.mailboxOpen("INBOX");
    expect(await client.messageFlagsAdd("1:2", ["\\Seen", "$Important"], { uid: true })).toBe(true);
    expect(await client.messageFlagsRemove("2", ["\\Seen"], { uid: true })).toBe(true);
    expect(await client.messageFlagsSet("3", ["\\Flagged", "\\Answered"], { uid: true })).toBe(true);
    const flags = (await collect(client.fetch("1:*", { uid: true, flags: true }))).map((m) => [m.uid, [...(m.flags ?? [])].sort()]);
    expect(flags).toEqual([
      [1, ["$Important", "\\Recent", "\\Seen"]],
      [2, ["$Important", "\\Recent"]],
      [3, ["\\Answered", "\\Flagged", "\\Recent"]],
    ]);
    await client.logout();
  });

  it("searches by flags, addresses, subject, body, dates and combinations", async () => {
    const account = await t.account();
    const invoice = textMessage("Invoice 42", { from: "Billing <billing@shop.test>", body: "Please pay the invoice.\n" });
    const party = textMessage("Party!", { body: "Bring snacks and music.\n" });
    const report = multipartMessage("Report", { to: account.address });
    await t.put(account, invoice, { internalDate: new Date("2026-01-10T12:00:00Z") });
    await t.put(account, party, { flags: ["\\Seen"], internalDate: new Date("2026-02-10T12:00:00Z") });
    await t.put(account, report, { flags: ["\\Flagged"], internalDate: new Date("2026-03-10T12:00:00Z") });
    const client = await session(account);
    await client.mailboxOpen("INBOX");
    expect(await client.search({ seen: false }, { uid: true })).toEqual([1, 3]);
    expect(await client.search({ flagged: true })).toEqual([3]);
    expect(await client.search({ from: "billing@shop" })).toEqual([1]);
    expect(await client.search({ subject: "party" })).toEqual([2]);
    expect(await client.search({ body: "snacks" })).toEqual([2]);
    expect(await client.search({ body: "attachment" })).toEqual([3]);
    expect(await client.search({ since: new Date("2026-02-01T00:00:00Z") })).toEqual([2, 3]);
    expect(await client.search({ before: new Date("2026-02-01T00:00:00Z") })).toEqual([1]);
    expect(await client.search({ or: [{ from: "billing" }, { flagged: true }] })).toEqual([1, 3]);
    expect(await client.search({ not: { seen: true }, subject: "invoice" })).toEqual([1]);
    expect(report.length).toBeGreaterThan(Math.max(invoice.length, party.length));
    expect(await client.search({ larger: Math.max(invoice.length, party.length) })).toEqual([3]);
    expect(await client.search({ smaller: report.length })).toEqual([1, 2]);
    expect(await client.search({ uid: "2:*" }, { uid: true })).toEqual([2, 3]);
    expect(await client.search({ all: true })).toEqual([1, 2, 3]);
    await client.logout();
  });

  it("copies and moves with UID maps from COPYUID, and deletes messages", async () => {
    const account = await t.account();
    for (const n of [1, 2, 3, 4]) await t.put(account, textMessage(`transfer ${n}`));
    const client = await session(account);
    await client.mailboxOpen("INBOX");
    const copied = await client.messageCopy("1:2", "Archive", { uid: true });
    expect(copied && copied.destination).toBe("Archive");
    expect(copied && [...copied.uidMap!.entries()]).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const moved = await client.messageMove("3:4", "Trash", { uid: true });
    expect(moved && [...moved.uidMap!.entries()]).toEqual([
      [3, 1],
      [4, 2],
    ]);
    expect(client.mailbox && client.mailbox.exists).toBe(2);
    expect(await client.messageDelete("1", { uid: true })).toBe(true);
    expect(client.mailbox && client.mailbox.exists).toBe(1);
    expect(await client.search({ all: true }, { uid: true })).toEqual([2]);
    const archive = await statusOf(client, "Archive", { messages: true, uidNext: true });
    expect([archive.messages, archive.uidNext]).toEqual([2, 3]);
    const trash = await statusOf(client, "Trash", { messages: true });
    expect(trash.messages).toBe(2);
    await client.logout();
  });

  it("appends with flags and a date and gets the UID back (APPENDUID)", async () => {
    const account = await t.account();
    const client = await session(account);
    const raw = textMessage("Sent from the webmail");
    const date = new Date("2026-05-04T03:02:01Z");
    const appended = await client.append("Sent", raw, ["\\Seen", "$Sent"], date);
    const sent = (await t.store.folders.get(account.id, "Sent"))!;
    expect(appended && [appended.uid, appended.uidValidity]).toEqual([1, BigInt(sent.uidValidity)]);
    await client.mailboxOpen("Sent");
    const message = await client.fetchOne("1", { uid: true, flags: true, internalDate: true, source: true }, { uid: true });
    expect(message && [...message.flags!].sort()).toEqual(["$Sent", "\\Recent", "\\Seen"]);
    expect(message && (message.internalDate as Date).toISOString()).toBe(date.toISOString());
    expect(message && message.source?.equals(raw)).toBe(true);
    // APPENDLIMIT tells imapflow the ceiling, so an oversized draft fails before upload and the session lives on.
    await expect(client.append("Drafts", Buffer.alloc(1024 * 1024 + 1, "x"))).rejects.toThrow();
    expect((await statusOf(client, "Drafts", { messages: true })).messages).toBe(0);
    await client.logout();
  });

  it("creates, renames and deletes mailboxes with Chinese names", async () => {
    const account = await t.account();
    const client = await session(account);
    const created = await client.mailboxCreate(["專案", "台北"]);
    expect(created.path).toBe("專案/台北");
    expect(created.created).toBe(true);
    expect((await t.store.folders.get(account.id, "專案/台北"))?.name).toBe("專案/台北");
    let paths = (await client.list()).map((m) => m.path);
    expect(paths).toEqual(expect.arrayContaining(["專案", "專案/台北"]));

    await client.append("專案/台北", textMessage("in Taipei"));
    const renamed = await client.mailboxRename("專案/台北", "專案/高雄");
    expect(renamed.newPath).toBe("專案/高雄");
    const status = await statusOf(client, "專案/高雄", { messages: true });
    expect(status.messages).toBe(1);
    paths = (await client.list()).map((m) => m.path);
    expect(paths).toContain("專案/高雄");
    expect(paths).not.toContain("專案/台北");

    await client.mailboxDelete("專案/高雄");
    await client.mailboxDelete("專案");
    paths = (await client.list()).map((m) => m.path);
    expect(paths.some((p) => p.startsWith("專案"))).toBe(false);
    await expect(client.mailboxDelete("INBOX")).rejects.toThrow();
    await client.logout();
  });

  it("reads STATUS of a mailbox", async () => {
    const account = await t.account();
    const one = textMessage("status 1");
    const two = textMessage("status 2");
    await t.put(account, one, { flags: ["\\Seen"] });
    await t.put(account, two);
    const client = await session(account);
    const status = await statusOf(client, "INBOX", { messages: true, unseen: true, uidNext: true, uidValidity: true, recent: true });
    expect(status).toMatchObject({ path: "INBOX", messages: 2, unseen: 1, uidNext: 3, recent: 2 });
    expect(status.uidValidity).toBe(BigInt((await t.store.folders.get(account.id, "INBOX"))!.uidValidity));
    await client.logout();
  });

  it("hears of an SMTP delivery while IDLE within 1 s ('exists'), and of an expunge by another session", async () => {
    const account = await t.account();
    await t.put(account, textMessage("already there"));
    await t.put(account, textMessage("to be expunged"));
    const client = await session(account);
    await client.mailboxOpen("INBOX");
    const idling = client.idle();
    // IDLE is on the wire once the server's continuation has come back.
    await new Promise((r) => setTimeout(r, 100));
    const exists = once(client, "exists");
    await t.deliver(account.address, textMessage("arrives while idle", { to: account.address }));
    const start = Date.now();
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("no 'exists' within 1 s of delivery")), 1000));
    const [event] = (await Promise.race([exists, timeout])) as [{ path: string; count: number; prevCount: number }];
    expect(Date.now() - start).toBeLessThan(1000);
    expect(event).toMatchObject({ path: "INBOX", count: 3, prevCount: 2 });

    const expunged = once(client, "expunge");
    const other = await session(account);
    await other.mailboxOpen("INBOX");
    await other.messageDelete("2", { uid: true });
    const [gone] = (await Promise.race([expunged, new Promise((_, reject) => setTimeout(() => reject(new Error("no 'expunge' within 1 s")), 1000))])) as [{ seq: number }];
    expect(gone.seq).toBe(2);
    await other.logout();

    // The next command ends IDLE; the delivered message is there.
    const found = await client.search({ subject: "arrives while idle" }, { uid: true });
    expect(found).toEqual([3]);
    await idling;
    await client.logout();
  });
});
