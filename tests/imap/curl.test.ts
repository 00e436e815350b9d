// curl's IMAP client (RFC 5092 URLs) against our server: fetch a message by UID, a section
// and a partial range, list mailboxes, search, append with --upload-file, over plain IMAP
// (AUTHENTICATE with and without SASL-IR, LOGIN), STARTTLS (--ssl-reqd) and IMAPS.
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { multipartMessage, runProgram, startImapServer, textMessage, type ImapTestServer, type TestAccount } from "../helpers/imap";

describe("curl against our IMAP server", () => {
  let t: ImapTestServer;
  let account: TestAccount;
  let dir: string;
  const first = textMessage("Fetched by curl", { body: "Plain body for curl.\n" });
  const second = multipartMessage("Parts for curl");

  beforeAll(async () => {
    t = await startImapServer();
    account = await t.account();
    await t.put(account, first);
    await t.put(account, second);
    dir = mkdtempSync(path.join(tmpdir(), "curl-imap-"));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.cleanup();
  });

  async function curl(url: string, ...args: string[]) {
    const result = await runProgram("curl", ["-sS", "--max-time", "15", "-u", `${account.address}:${account.password}`, ...args, url], { timeoutMs: 20_000 });
    return { ...result, stdoutBytes: Buffer.from(result.stdout, "utf8") };
  }

  const base = () => `imap://127.0.0.1:${t.imapPort}`;

  it("fetches a message by UID (imap://…/INBOX;UID=1 and …/INBOX/;UID=1)", async () => {
    const short = await curl(`${base()}/INBOX;UID=1`);
    expect(short.stderr).toBe("");
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(first.toString("utf8"));
    const documented = await curl(`${base()}/INBOX/;UID=2`);
    expect(documented.code).toBe(0);
    expect(documented.stdout).toBe(second.toString("utf8"));
  });

  it("fetches a section and a partial range, authenticating with PLAIN (with and without SASL-IR) and LOGIN", async () => {
    const text = await curl(`${base()}/INBOX/;UID=1/;SECTION=TEXT`, "--sasl-ir");
    expect(text.code).toBe(0);
    expect(text.stdout).toBe("Plain body for curl.\r\n");
    const part = await curl(`${base()}/INBOX/;UID=2/;SECTION=1`);
    expect(part.code).toBe(0);
    expect(part.stdout).toBe("Hello Bob,\r\nsee the attachment.");
    const partial = await curl(`${base()}/INBOX/;UID=1/;PARTIAL=0.10`, "--login-options", "AUTH=LOGIN");
    expect(partial.code).toBe(0);
    expect(partial.stdout).toBe(first.subarray(0, 10).toString("utf8"));
  });

  it("lists mailboxes, and searches", async () => {
    const list = await curl(`${base()}/`);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split("\r\n").sort();
    expect(lines).toEqual([
      '* LIST (\\HasNoChildren \\Archive) "/" Archive',
      '* LIST (\\HasNoChildren \\Drafts) "/" Drafts',
      '* LIST (\\HasNoChildren \\Junk) "/" Junk',
      '* LIST (\\HasNoChildren \\Sent) "/" Sent',
      '* LIST (\\HasNoChildren \\Trash) "/" Trash',
      '* LIST (\\HasNoChildren) "/" INBOX',
    ]);
    const search = await curl(`${base()}/INBOX?SUBJECT%20parts`);
    expect(search.code).toBe(0);
    expect(search.stdout.trim()).toBe("* SEARCH 2");
    const custom = await curl(`${base()}/`, "-X", "STATUS INBOX (MESSAGES UIDNEXT)");
    expect(custom.stdout.trim()).toBe("* STATUS INBOX (MESSAGES 2 UIDNEXT 3)");
  });

  it("appends with --upload-file to imap://…/Mailbox", async () => {
    const upload = textMessage("Uploaded by curl", { body: "Sent with -T.\n" });
    const file = path.join(dir, "upload.eml");
    writeFileSync(file, upload);
    const result = await curl(`${base()}/Drafts`, "--upload-file", file);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const drafts = (await t.store.folders.get(account.id, "Drafts"))!;
    const [stored] = await t.store.messages.list(drafts.id);
    expect(stored.uid).toBe(1);
    const fetched = await curl(`${base()}/Drafts;UID=1`);
    expect(fetched.stdout).toBe(upload.toString("utf8"));
  });

  it("upgrades with STARTTLS when told to (--ssl-reqd)", async () => {
    const result = await curl(`${base()}/INBOX;UID=1`, "--ssl-reqd", "-k");
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(first.toString("utf8"));
  });

  it("lists over IMAPS (imaps://… -k)", async () => {
    const result = await curl(`imaps://127.0.0.1:${t.imapsPort}/`, "-k");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('* LIST (\\HasNoChildren) "/" INBOX');
  });
});
