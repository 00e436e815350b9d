// mutt, a terminal IMAP client people really use, against our server: it opens INBOX over
// IMAP, reads every message (piped to a file, which proves it listed and fetched them),
// copies one to another folder, deletes another and expunges on the way out. The results are
// checked through the store and a raw IMAP session, not through mutt.
//
// mutt needs a terminal, so it runs under script(1) with a pseudo-terminal of a fixed size;
// what it does comes from `push` (keys queued before the index opens) and every run is bounded
// by a timeout. Plain IMAP on loopback (PLAINTEXT_AUTH=loopback allows LOGIN there), so no
// certificate prompt can stall it. npm test installs mutt (scripts/test.sh); the test is
// skipped only where it can't be installed (not root), never passed silently.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProgram, startImapServer, textMessage, type ImapTestServer, type TestAccount } from "../helpers/imap";

const muttInstalled = spawnSync("mutt", ["-v"], { stdio: "ignore" }).status === 0;
const isRoot = process.getuid?.() === 0;

describe.skipIf(!muttInstalled && !isRoot)("mutt against our IMAP server", () => {
  let t: ImapTestServer;
  let account: TestAccount;
  let dir: string;

  beforeAll(async () => {
    if (!muttInstalled) throw new Error("mutt is needed here, as root: apt-get install -y mutt (npm test does it)");
    t = await startImapServer();
    account = await t.account("mutt");
    dir = mkdtempSync(path.join(tmpdir(), "mutt-"));
  });
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await t?.cleanup();
  });

  /** Runs mutt on INBOX with the keys in `keys` pushed, in a pseudo-terminal, bounded in time. */
  async function mutt(keys: string): Promise<{ code: number | null; screen: string }> {
    const rc = path.join(dir, "muttrc");
    writeFileSync(
      rc,
      [
        `set folder="imap://127.0.0.1:${t.imapPort}/"`,
        `set spoolfile="+INBOX"`,
        `set imap_user="${account.address}"`,
        `set imap_pass="${account.password}"`,
        // Loopback without TLS: no certificate to confirm.
        "set ssl_starttls=no",
        "set ssl_force_tls=no",
        "set imap_passive=yes",
        "set header_cache=",
        "set message_cachedir=",
        // Nothing may wait for a key: no confirmations, no "press any key" after a pipe.
        "set confirmappend=no",
        "set confirmcreate=no",
        "set delete=yes",
        "set quit=yes",
        "set move=no",
        "set wait_key=no",
        "set pipe_split=yes",
        "set pipe_decode=no",
        "set mark_old=no",
        "set sort=date-sent",
        "set timeout=5",
        "set mail_check=60",
        "",
      ].join("\n"),
    );
    const command = `stty cols 120 rows 40; exec mutt -n -F ${rc} -f '+INBOX' -e 'push "${keys.replace(/"/g, '\\"')}"'`;
    const result = await runProgram("script", ["-qec", command, "/dev/null"], {
      env: { TERM: "xterm", HOME: dir, LC_ALL: "C.UTF-8", MAIL: "" },
      timeoutMs: 30_000,
    });
    return { code: result.code, screen: result.stdout };
  }

  it("lists and reads every message in INBOX, copies one to Archive, deletes one, and the server shows it", async () => {
    const subjects = ["mutt reads this", "mutt copies this", "mutt deletes this"];
    for (const [i, subject] of subjects.entries()) {
      await t.put(account, textMessage(subject, { body: `Body of message ${i + 1}.\n`, date: `Thu, 26 Nov 2026 1${i}:00:00 +0000` }));
    }
    const out = path.join(dir, "piped.txt");
    const keys = [
      // Every message, fetched over IMAP and piped to a file.
      "<tag-pattern>~A<enter>",
      `<tag-prefix><pipe-message>cat >> ${out}<enter>`,
      "<untag-pattern>~A<enter>",
      // One copied to Archive.
      "<tag-pattern>~s copies<enter>",
      "<tag-prefix><copy-message>=Archive<enter>",
      "<untag-pattern>~A<enter>",
      // One deleted; quitting expunges it (delete=yes).
      "<tag-pattern>~s deletes<enter>",
      "<tag-prefix><delete-message>",
      "<quit>",
    ].join("");
    const run = await mutt(keys);
    expect(run.code, `mutt exited with ${run.code}; screen:\n${run.screen.slice(-2000)}`).toBe(0);

    // The index it drew lists every message (the screen is what the pseudo-terminal got).
    for (const subject of subjects) expect(run.screen).toContain(subject);
    expect(existsSync(out), `mutt piped nothing; screen:\n${run.screen.slice(-2000)}`).toBe(true);
    const piped = readFileSync(out, "utf8");
    for (const subject of subjects) expect(piped).toContain(`Subject: ${subject}`);
    for (const i of [1, 2, 3]) expect(piped).toContain(`Body of message ${i}.`);

    const client = await t.connect({ account });
    const inbox = await client.ok("SELECT INBOX");
    expect(inbox.untagged).toContain("* 2 EXISTS");
    const inboxSubjects = (await client.ok("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (Subject)])")).untagged.join("\n");
    expect(inboxSubjects).toContain("mutt reads this");
    expect(inboxSubjects).toContain("mutt copies this");
    expect(inboxSubjects).not.toContain("mutt deletes this");
    const archive = await client.ok("SELECT Archive");
    expect(archive.untagged).toContain("* 1 EXISTS");
    const copied = await client.ok("FETCH 1 (BODY.PEEK[])");
    expect(copied.untagged.join("\n")).toContain("Subject: mutt copies this");
    expect(copied.untagged.join("\n")).toContain("Body of message 2.");
    await client.logout();
  }, 60_000);
});
