/**
 * The composer (BENCH=compose): the webmail's production build in Debian's Chromium against our mail
 * server, two accounts on it.
 *
 *   send to inbox  from the click on Send in the browser to the message in the recipient's INBOX on the
 *                  server, as an IMAP IDLE session of the recipient hears it (EXISTS); BENCH_COMPOSE_SENDS
 *                  messages (default 50), each written in a fresh composer, median and spread
 *   reply open     from the click on Reply under a 1 MB message in the reading pane to the editor ready
 *                  with the quote, first animation frame: its blockquote holding the original's last line, or
 *                  (a quote this long) the button that shows it; then, once, from that button's click to
 *                  the whole quote in the editor
 *
 * The click time is read in the page (performance.timeOrigin + now) and the arrival in this process by
 * the same system clock. Nothing is asserted: figures and the targets go to bench/RESULTS.md.
 *
 * Quick run: BENCH_COMPOSE_SENDS=10 BENCH_RUNS=3 BENCH=compose npm run bench
 */
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { ImapFlow } from "imapflow";
import { fmt, machineFacts, median, onCleanup, positive, runMain, writeResultsSection } from "./lib/common";
import { mailctl, serverEnv, startOurs } from "./lib/ours";
import { launchChromium, signIn, startWeb } from "./lib/web";

const SENDS = positive("BENCH_COMPOSE_SENDS", 50);
const RUNS = positive("BENCH_RUNS", 10);
const BIG_BYTES = positive("BENCH_COMPOSE_REPLY_BYTES", 1_000_000);
const ALICE = "alice@bench.test";
const BOB = "bob@bench.test";
const PASSWORD = "bench-password-2026";
const TARGETS = { sendMs: 500, replyMs: 200 };
const BIG_SUBJECT = "Minutes of the long meeting";
const LAST_LINE = "End of the minutes.";

const log = (text: string) => console.error(`[compose ${new Date().toISOString().slice(11, 19)}] ${text}`);

/** A plain-text message of about `bytes`: paragraphs of ordinary lines, as long minutes or a log pasted in. */
function bigMessage(bytes: number): Buffer {
  const words = ["the", "meeting", "agreed", "budget", "review", "next", "quarter", "team", "report", "schedule", "open", "question", "decided", "follow", "up"];
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = Array.from({ length: 11 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(" ") + ` (${i}).`;
    lines.push(line, ...(i % 5 === 4 ? [""] : []));
    size += line.length + 2;
  }
  lines.push("", LAST_LINE);
  const head = [`From: Carol <carol@bench.test>`, `To: ${ALICE}`, `Subject: ${BIG_SUBJECT}`, "Date: Thu, 26 Nov 2026 09:00:00 +0000", "Message-ID: <minutes@bench.test>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"];
  return Buffer.from(`${head.join("\r\n")}\r\n\r\n${lines.join("\r\n")}\r\n`);
}

function imap(port: number, user: string): ImapFlow {
  return new ImapFlow({ host: "127.0.0.1", port, secure: false, doSTARTTLS: false, auth: { user, pass: PASSWORD }, logger: false });
}

/** The recipient's INBOX held open in IDLE: each new message resolves the next wait with the time it was heard. */
async function watchInbox(port: number): Promise<{ next(): Promise<number>; close(): Promise<void> }> {
  const client = imap(port, BOB);
  await client.connect();
  // Opened without a lock: imapflow IDLEs by itself on a selected mailbox only while no lock is held.
  await client.mailboxOpen("INBOX");
  // IDLE at once (imapflow would start it only after a while of inactivity, and hear the first message late).
  void client.idle().catch(() => undefined);
  let count = client.mailbox ? client.mailbox.exists : 0;
  let waiting: ((at: number) => void) | null = null;
  const heard: number[] = [];
  client.on("exists", (event: { count: number }) => {
    const at = performance.timeOrigin + performance.now();
    for (; count < event.count; count++) {
      if (waiting) {
        waiting(at);
        waiting = null;
      } else heard.push(at);
    }
  });
  return {
    next: () => (heard.length > 0 ? Promise.resolve(heard.shift()!) : new Promise((resolve) => (waiting = resolve))),
    async close() {
      await client.logout();
    },
  };
}

/** One message written in a fresh composer and sent; answers milliseconds from the click on Send to its arrival. */
async function sendOne(page: Page, inbox: { next(): Promise<number> }, n: number): Promise<number> {
  await page.getByRole("button", { name: "Compose" }).click();
  const composer = page.getByRole("region", { name: "New message" });
  await composer.getByLabel("To", { exact: true }).fill(BOB);
  await composer.getByLabel("Subject").fill(`Bench message ${n}`);
  await composer.getByRole("textbox", { name: "Message text" }).fill(`Message number ${n}, written by the benchmark.`);
  const arrival = inbox.next();
  const clickedAt = await composer.getByRole("button", { name: "Send" }).evaluate((button: HTMLButtonElement) => {
    const at = performance.timeOrigin + performance.now();
    button.click();
    return at;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<number>((_, reject) => {
    timer = setTimeout(() => {
      void page.locator('[role="alert"], [role="status"]').allTextContents().then(
        (said) => reject(new Error(`message ${n} not in the INBOX after 30 s; the page said: ${said.join(" | ") || "nothing"}`)),
        () => reject(new Error(`message ${n} not in the INBOX after 30 s`)),
      );
    }, 30_000);
  });
  const arrivedAt = await Promise.race([arrival, timeout]).finally(() => clearTimeout(timer));
  await composer.waitFor({ state: "detached" });
  return arrivedAt - clickedAt;
}

/**
 * Reply under the open 1 MB message, timed in the page to the frame with the editor ready and the quote
 * in it or behind its button; with `expand`, also that button's click to the whole quote in the editor.
 * Then closed again.
 */
async function openReply(page: Page, expand: boolean): Promise<{ ms: number; held: boolean; expandMs: number | null }> {
  const result = await page.evaluate(
    async ({ lastLine, expand }) => {
      const until = (test: () => boolean, from: number) =>
        new Promise<number>((resolve, reject) => {
          const tick = () => {
            if (test()) resolve(performance.now() - from);
            else if (performance.now() - from > 30_000) reject(new Error("not on screen after 30 s"));
            else requestAnimationFrame(tick);
          };
          tick();
        });
      const button = [...document.querySelectorAll<HTMLButtonElement>('article[aria-label="Message"] button')].find((candidate) => candidate.textContent?.trim() === "Reply");
      if (!button) throw new Error("no Reply button");
      const editor = () => document.querySelector('section[aria-label="Reply"] [contenteditable="true"]');
      const quoted = () => (editor()?.querySelector("blockquote")?.lastElementChild?.textContent ?? "").includes(lastLine);
      const showButton = () => [...document.querySelectorAll<HTMLButtonElement>('section[aria-label="Reply"] button')].find((candidate) => candidate.textContent?.startsWith("Show the quoted text"));
      const start = performance.now();
      button.click();
      const ms = await until(() => editor() !== null && (quoted() || showButton() !== undefined), start);
      const show = showButton();
      if (!expand || !show) return { ms, held: show !== undefined, expandMs: null };
      const clicked = performance.now();
      show.click();
      return { ms, held: true, expandMs: await until(quoted, clicked) };
    },
    { lastLine: LAST_LINE, expand },
  );
  const reply = page.getByRole("region", { name: "Reply" });
  await reply.getByRole("button", { name: "Close" }).click();
  await reply.waitFor({ state: "detached" });
  return result;
}

const stats = (xs: number[]) => `${fmt(median(xs))} ms | ${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))} ms`;
const verdict = (value: number, target: number) => (value <= target ? "met" : "**missed**");
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0];
  log(`${SENDS} sends, ${RUNS} reply opens of a ${BIG_BYTES}-byte message`);
  const dataDir = mkdtempSync(join(tmpdir(), "bench-compose-data-"));
  // The undo-send window (default 10 s) is the user's choice to wait; the bench times the sending itself.
  const env: NodeJS.ProcessEnv = { ...(await serverEnv(dataDir, ["SUBMISSION", "IMAP"])), UNDO_SEND_DEFAULT: "0" };
  mailctl(env, ["domain", "add", "bench.test"]);
  for (const user of [ALICE, BOB]) mailctl(env, ["user", "add", user, "--password-stdin"], `${PASSWORD}\n`);
  const ours = await startOurs(env);
  const imapPort = Number(env.IMAP_PORT);
  const seed = imap(imapPort, ALICE);
  await seed.connect();
  const big = bigMessage(BIG_BYTES);
  await seed.append("INBOX", big, ["\\Seen"]);
  await seed.logout();

  log("web: next build if stale, then next start");
  const web = await startWeb(env, log);
  const browser = await launchChromium();
  const context = await browser.newContext({ baseURL: web.origin, viewport: { width: 1280, height: 800 } });
  onCleanup(() => context.close());
  // The TypeScript loader names the functions handed to the page with a helper the page lacks.
  await context.addInitScript({ content: "globalThis.__name = globalThis.__name || ((f) => f);" });
  const page = await context.newPage();
  page.on("pageerror", (error) => log(`page error: ${error.message}`));
  await signIn(page, ALICE, PASSWORD);
  const bigRow = page.getByRole("list", { name: "Messages" }).getByRole("button", { name: new RegExp(BIG_SUBJECT) });
  await bigRow.waitFor();

  log("send to inbox");
  const inbox = await watchInbox(imapPort);
  const closeInbox = onCleanup(() => inbox.close());
  // Warm-up: the composer's code, the first submission connection.
  const warmUp = await sendOne(page, inbox, 0);
  const sends: number[] = [];
  for (let n = 1; n <= SENDS; n++) {
    sends.push(await sendOne(page, inbox, n));
    if (n % 10 === 0) log(`send to inbox: ${n}/${SENDS}, median so far ${fmt(median(sends))} ms`);
  }

  log("reply open");
  await bigRow.click();
  await page.locator('article[aria-label="Message"] h2').filter({ hasText: BIG_SUBJECT }).waitFor();
  const replyCold = (await openReply(page, false)).ms;
  const replies: number[] = [];
  let held = false;
  for (let run = 0; run < RUNS; run++) {
    const opened = await openReply(page, false);
    replies.push(opened.ms);
    held = opened.held;
  }
  log(`reply open: ${replies.map((ms) => fmt(ms)).join(", ")} ms${held ? " (quote behind its button)" : ""}`);
  const expandMs = held ? (await openReply(page, true)).expandMs : null;
  const apiMs = await page.evaluate(() => {
    const entries = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter((entry) => entry.name.includes("/api/mail/compose/original?"));
    return entries.map((entry) => entry.responseEnd - entry.startTime);
  });

  writeResultsSection(
    "Composer: send to inbox, reply to a large message",
    [
      "Our mail server (submission and IMAP on loopback) and the webmail's production build (`next build`, `next start`) in Debian's Chromium at 1280×800, signed in as the sender; " +
        "the recipient is an account on the same server; the undo-send window is 0 (UNDO_SEND_DEFAULT=0: a wait the user chooses is not the system's time). Measurement, not a test: `npm run bench` with `BENCH=compose` (bench/compose.ts).",
      "",
      "| what | median | range | target | |",
      "|---|---:|---:|---:|---|",
      `| send to inbox: click on Send in the browser to the message in the recipient's INBOX (heard by IMAP IDLE), ${SENDS} sends | ${stats(sends)} | ≤ ${TARGETS.sendMs} ms | ${verdict(median(sends), TARGETS.sendMs)} |`,
      `| reply open: click on Reply under a ${fmt(big.length / 1e6, 2)} MB plain-text message to the editor ready with the quote (in it, or behind its button when this long), ${RUNS} runs | ${stats(replies)} | ≤ ${TARGETS.replyMs} ms | ${verdict(median(replies), TARGETS.replyMs)} |`,
      "",
      `- send to inbox: 90th percentile ${fmt(percentile(sends, 90))} ms; the first send (the composer's code loaded, the routes' first run; not in the median) took ${fmt(warmUp)} ms. ` +
        "Each send opens a fresh composer (Compose), fills To, Subject and text, and is timed from the click; the webmail submits over a new SMTP connection each time (AUTH PLAIN on loopback), the server delivers locally, the IDLE session hears EXISTS.",
      `- reply open: the first open (composer code loaded) took ${fmt(replyCold)} ms; the original's request (/api/mail/compose/original: IMAP fetch of the text) took a median ${fmt(median(apiMs))} ms of it. ` +
        (held && expandMs !== null
          ? `A quote this long waits behind "Show the quoted text" (as Gmail trims it; it is sent either way): the editor is ready with that button; clicking it put the whole ${fmt(big.length / 1e6, 2)} MB quote into the editor in ${fmt(expandMs)} ms.`
          : "The quote was in the editor when it was ready."),
      ...machineFacts(`Chromium ${browser.version()}`, loadAtStart, loadavg()[0]),
    ].join("\n"),
  );
  log("results written to bench/RESULTS.md");
  await closeInbox();
  await ours.stop();
}

runMain(main);
