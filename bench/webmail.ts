/**
 * The webmail in a browser on a large mailbox (BENCH=webmail): our mail server holding a
 * BENCH_WEBMAIL_MESSAGES-message INBOX (default 100,000; the seeded corpus of bench/lib/corpus.ts,
 * loaded with `mailctl import`), the webmail's production build (`next build`, `next start`), and
 * Debian's Chromium driven by the Playwright library.
 *
 * Every time is taken inside the page, with the browser's own clock: from the navigation's start (or
 * the click, the submit, the scroll) to the first animation frame in which the result is on screen.
 * Nothing is asserted: the figures and the issue's targets go to bench/RESULTS.md side by side.
 *
 *   first rows   navigation to "/" (signed in, warm server) until the rows on screen are real rows,
 *                from the first page of 50 fetched by the list
 *   open         click on a row until the reading pane's header is there and its body frame has loaded
 *   search       submit of the search box until the results list shows hits (a rare and a common word,
 *                planted in the bodies only)
 *   middle       the list scrolled to its middle until the rows on screen there are real rows
 *   JavaScript   every script the mail page loads with an empty cache, gzip'd as `next start` sends it
 *   memory       the Next.js server's RSS before and after BENCH_WEBMAIL_SESSIONS more signed-in
 *                browsers (each with its list loaded and its live-update stream open), divided
 *
 * Quick run: BENCH_WEBMAIL_MESSAGES=2000 BENCH_RUNS=3 BENCH_WEBMAIL_SESSIONS=5 BENCH=webmail npm run bench
 * BENCH_KEEP_DATA=1 keeps the mail server's imported DATA_DIR (its path is printed) for a closer look.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { COMMON_WORD, Corpus, RARE_WORD, type CorpusMessage } from "./lib/corpus";
import { fmt, machineFacts, median, onCleanup, positive, runMain, sleep, writeResultsSection } from "./lib/common";
import { writeMboxFiles } from "./lib/mbox";
import { mailctl, mailctlAsync, rssKiB, serverEnv, startOurs } from "./lib/ours";
import { launchChromium, signIn as signInAs, startWeb, type WebServer } from "./lib/web";

const MESSAGES = positive("BENCH_WEBMAIL_MESSAGES", 100_000);
const RUNS = positive("BENCH_RUNS", 7);
const SESSIONS = positive("BENCH_WEBMAIL_SESSIONS", 20);
// Messages per mbox file and per mailctl run: the CLI reads its files whole.
const IMPORT_BATCH = positive("BENCH_IMPORT_BATCH", 10_000);
// BENCH_KEEP_DATA=1: the mail server's imported DATA_DIR stays (path printed) to look into afterwards.
const KEEP_DATA = process.env.BENCH_KEEP_DATA === "1";
const USER = "user@bench.test";
const PASSWORD = "bench-password-2026";
const VIEWPORT = { width: 1280, height: 800 };
const TARGETS = { firstRows: 300, open: 150, search: 300, jsKB: 150, sessionMB: 5 };

const log = (text: string) => console.error(`[webmail ${new Date().toISOString().slice(11, 19)}] ${text}`);

// --- In the page ----------------------------------------------------------------------------------

/**
 * Installed in every document before its own scripts (plain JavaScript: it runs in the browser as
 * written). `__name` because the TypeScript loader wraps named functions in callbacks sent to the page.
 */
const PAGE_HELPERS = `
globalThis.__name = globalThis.__name || ((f) => f);
(() => {
  const bench = {};
  performance.setResourceTimingBufferSize(100000);
  // How long the last request to an API path took (request start to response end), or -1.
  bench.lastRequest = (path) => {
    const entries = performance.getEntriesByType("resource").filter((entry) => entry.name.includes(path));
    const last = entries[entries.length - 1];
    return last ? last.responseEnd - last.startTime : -1;
  };
  // Resolves with performance.now() at the first animation frame where pred() holds.
  bench.until = (pred, timeout = 30000) => new Promise((resolve, reject) => {
    const start = performance.now();
    const tick = () => {
      let ok = false;
      try { ok = Boolean(pred()); } catch (error) { reject(error); return; }
      if (ok) resolve(performance.now());
      else if (performance.now() - start > timeout) reject(new Error("not on screen after " + timeout + " ms"));
      else requestAnimationFrame(tick);
    };
    tick();
  });
  bench.scroller = () => document.querySelector('[role="list"][aria-label="Messages"]')?.parentElement ?? null;
  // The list's rows inside the scroller's visible area: ready when there are some and none is a skeleton.
  bench.visibleRows = () => {
    const scroller = bench.scroller();
    if (!scroller) return { ready: false, first: -1, last: -1, count: 0 };
    const view = scroller.getBoundingClientRect();
    let first = -1, last = -1, count = 0, skeleton = false;
    for (const item of scroller.querySelectorAll('[role="listitem"]')) {
      const box = item.getBoundingClientRect();
      if (box.bottom <= view.top + 1 || box.top >= view.bottom - 1) continue;
      const index = Number(item.getAttribute("data-row-index"));
      if (!item.querySelector("button")) skeleton = true;
      if (first < 0 || index < first) first = index;
      last = Math.max(last, index);
      count++;
    }
    return { ready: count > 0 && !skeleton, first, last, count };
  };
  // Navigation start (this document's time origin) to the top of the list on screen.
  bench.firstRows = location.pathname === "/"
    ? bench.until(() => { const rows = bench.visibleRows(); return rows.ready && rows.first === 0; }).then((at) => ({ at, rows: bench.visibleRows().count }))
    : Promise.resolve(null);
  bench.firstRows.catch(() => undefined);
  globalThis.__bench = bench;
})();
`;

interface RowsOnScreen {
  ready: boolean;
  first: number;
  last: number;
  count: number;
}

interface PageBench {
  lastRequest(path: string): number;
  until(pred: () => unknown, timeout?: number): Promise<number>;
  scroller(): HTMLElement | null;
  visibleRows(): RowsOnScreen;
  firstRows: Promise<{ at: number; rows: number } | null>;
}

declare global {
  // The page's side, installed by PAGE_HELPERS.
  var __bench: PageBench;
}

// --- Measurements ----------------------------------------------------------------------------------

async function newContext(browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: origin, viewport: VIEWPORT });
  await context.addInitScript({ content: PAGE_HELPERS });
  return context;
}

const signIn = (page: Page) => signInAs(page, USER, PASSWORD);

interface FirstRows {
  ms: number;
  rows: number;
  /** From the same navigation: the document's first byte, DOMContentLoaded, the list's first page request. */
  documentMs: number;
  domContentLoadedMs: number;
  listRequestStartMs: number;
  listRequestEndMs: number;
}

async function firstRows(page: Page): Promise<FirstRows> {
  await page.goto("/", { waitUntil: "commit" });
  const shown = await page.evaluate(() => globalThis.__bench.firstRows);
  if (!shown) throw new Error(`the mail page did not open (at ${page.url()})`);
  const timing = await page.evaluate(() => {
    const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    const list = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).find((entry) => entry.name.includes("/api/mail/messages?"));
    return {
      documentMs: navigation?.responseStart ?? 0,
      domContentLoadedMs: navigation?.domContentLoadedEventEnd ?? 0,
      listRequestStartMs: list?.startTime ?? 0,
      listRequestEndMs: list?.responseEnd ?? 0,
    };
  });
  return { ms: shown.at, rows: shown.rows, ...timing };
}

/** Clicks the `nth` row on screen (not the top one, which may be open already) and waits for the reader. */
async function openMessage(page: Page, nth: number): Promise<{ ms: number; apiMs: number; ok: boolean }> {
  const result = await page.evaluate(async (nth) => {
    const bench = globalThis.__bench;
    const scroller = bench.scroller();
    const buttons = scroller ? [...scroller.querySelectorAll<HTMLButtonElement>('[role="listitem"] button[aria-label]:not([aria-current="true"])')] : [];
    const onScreen = buttons.filter((button) => {
      const box = button.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    });
    const button = onScreen[1 + (nth % Math.max(1, onScreen.length - 1))] ?? onScreen[0];
    if (!button) throw new Error("no row on screen to open");
    let loaded = false;
    const onLoad = (event: Event) => {
      if (event.target instanceof HTMLIFrameElement && event.target.title === "Message body") loaded = true;
    };
    document.addEventListener("load", onLoad, true);
    const heading = () => document.querySelector('article[aria-label="Message"] h2');
    const start = performance.now();
    button.click();
    const end = await bench.until(() => loaded && heading());
    document.removeEventListener("load", onLoad, true);
    // The row's accessible name ends with the subject; the reader must show that subject.
    const subject = heading()?.textContent ?? "";
    return { ms: end - start, apiMs: bench.lastRequest("/api/mail/message?"), ok: (button.getAttribute("aria-label") ?? "").endsWith(subject) };
  }, nth);
  return result;
}

async function search(page: Page, word: string): Promise<{ ms: number; apiMs: number }> {
  const box = page.getByRole("searchbox", { name: "Search" });
  await box.fill(word);
  const result = await box.evaluate(async (input: HTMLInputElement) => {
    const bench = globalThis.__bench;
    const hits = () => document.querySelectorAll('ul[aria-label="Search results"] li button').length;
    const start = performance.now();
    input.form?.requestSubmit();
    const end = await bench.until(() => hits() > 0);
    return { ms: end - start, apiMs: bench.lastRequest("/api/mail/search?") };
  });
  await page.getByRole("button", { name: "Close search" }).click();
  await page.locator('ul[aria-label="Search results"]').waitFor({ state: "detached" });
  return result;
}

async function jumpTo(page: Page, row: number): Promise<{ ms: number; apiMs: number; rows: number }> {
  return page.evaluate(async (row) => {
    const bench = globalThis.__bench;
    const scroller = bench.scroller();
    const height = scroller?.querySelector('[role="listitem"]')?.getBoundingClientRect().height ?? 0;
    if (!scroller || !height) throw new Error("no list to scroll");
    const start = performance.now();
    scroller.scrollTop = row * height;
    const end = await bench.until(() => {
      const rows = bench.visibleRows();
      return rows.ready && rows.first <= row && rows.last >= row;
    });
    return { ms: end - start, apiMs: bench.lastRequest("/api/mail/messages?"), rows: bench.visibleRows().count };
  }, row);
}

interface Script {
  url: string;
  bytes: number;
  gzipBytes: number;
  /** What crossed the wire (the encoded body), as the page's Resource Timing counts it. */
  transferred: number;
  encoding: string;
}

/** The scripts a fresh browser loads for the mail page, then what opening a message and a search add. */
async function javascript(browser: Browser, origin: string): Promise<{ initial: Script[]; later: Script[] }> {
  const context = await newContext(browser, origin);
  try {
    const page = await context.newPage();
    await signIn(page);
    // The sign-in page's scripts are cached by now: measure the mail page as a first visit would load it.
    await page.waitForLoadState("networkidle");
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    const pending: Promise<Script | null>[] = [];
    page.on("response", (response) => {
      if (response.request().resourceType() !== "script") return;
      pending.push(
        (async () => {
          const body = await response.body();
          return { url: response.url(), bytes: body.length, gzipBytes: gzipSync(body).length, transferred: 0, encoding: response.headers()["content-encoding"] ?? "none" };
        })().catch((error: unknown) => {
          log(`javascript: no body for ${response.url()}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
          return null;
        }),
      );
    });
    const collect = async () => {
      await page.waitForLoadState("networkidle");
      const scripts = (await Promise.all(pending.splice(0))).filter((script): script is Script => script !== null);
      const encoded = new Map(await page.evaluate(() => (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map((entry) => [entry.name, entry.encodedBodySize] as const)));
      return scripts.map((script) => ({ ...script, url: new URL(script.url).pathname, transferred: encoded.get(script.url) ?? 0 }));
    };
    await firstRows(page);
    const initial = await collect();
    await openMessage(page, 0);
    await search(page, RARE_WORD);
    const later = await collect();
    return { initial, later };
  } finally {
    await context.close();
  }
}

async function steadyRssKiB(pid: number): Promise<number> {
  await sleep(3000);
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    readings.push(rssKiB(pid));
    await sleep(1000);
  }
  return median(readings);
}

// --- Report ------------------------------------------------------------------------------------------

const kb = (bytes: number) => bytes / 1000;
const stats = (xs: number[]) => (xs.length ? `${fmt(median(xs))} ms | ${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}` : "– | –");
const row = (what: string, t: Timed, target?: number) =>
  `| ${what} | ${stats(t.ms)} | ${fmt(median(t.apiMs))} ms | ${target ? `≤ ${target} ms | ${verdict(median(t.ms), target)}` : "– |"} |`;
const verdict = (value: number | undefined, target: number) => (value === undefined ? "–" : value <= target ? "met" : "**missed**");

/** Per run: on screen (ms), and the API request it waited for (apiMs: its start to its response's end). */
interface Timed {
  ms: number[];
  apiMs: number[];
}

const timed = (): Timed => ({ ms: [], apiMs: [] });
const add = (to: Timed, sample: { ms: number; apiMs: number }) => {
  to.ms.push(sample.ms);
  to.apiMs.push(sample.apiMs);
};

interface Results {
  corpus: { messages: number; bytes: number; common: number; rare: number; importSeconds: number };
  first: FirstRows[];
  open: Timed;
  openCold: number;
  openWrong: number;
  searches: { word: string; planted: number; found: number; truncated: boolean; timed: Timed }[];
  middle: Timed;
  middleRow: number;
  js: { initial: Script[]; later: Script[] };
  memory: { beforeKiB: number; afterKiB: number; sessions: number; peakKiB: number };
  loadAtStart: number;
}

function report(r: Results): string {
  const firstMs = r.first.map((f) => f.ms);
  const med = (pick: (f: FirstRows) => number) => fmt(median(r.first.map(pick)));
  const jsGzip = r.js.initial.reduce((sum, s) => sum + s.gzipBytes, 0);
  const jsRaw = r.js.initial.reduce((sum, s) => sum + s.bytes, 0);
  const jsWire = r.js.initial.reduce((sum, s) => sum + s.transferred, 0);
  const laterGzip = r.js.later.reduce((sum, s) => sum + s.gzipBytes, 0);
  // MB and KB are decimal here, as in the targets; MiB where a reading is shown as the kernel counts it.
  const perSessionMB = ((r.memory.afterKiB - r.memory.beforeKiB) * 1024) / r.memory.sessions / 1e6;
  const encodings = [...new Set(r.js.initial.map((s) => s.encoding))].join(", ");
  const largest = [...r.js.initial].sort((a, b) => b.gzipBytes - a.gzipBytes);
  const searchRows = r.searches.map(
    (s) =>
      row(`body search "${s.word}" (${s.found.toLocaleString("en")} hits${s.truncated ? ", the newest kept" : ""}, ${s.planted.toLocaleString("en")} planted): submit to the first results shown`, s.timed, TARGETS.search),
  );
  return [
    `${r.corpus.messages.toLocaleString("en")} messages in INBOX on our server; the webmail's production build (\`next build\`, \`next start\`) reading it over IMAP on loopback, ` +
      `in Debian's Chromium (Playwright library) at ${VIEWPORT.width}×${VIEWPORT.height}. Medians of ${RUNS} runs after a warm-up, each timed inside the page from the navigation's start ` +
      "(or the click, the submit, the scroll) to the first animation frame with the result on screen. Measurement, not a test: `npm run bench` with `BENCH=webmail` (bench/webmail.ts).",
    "",
    "| what | median | range | of which the API request | target | |",
    "|---|---:|---:|---:|---:|---|",
    row(`first rows: navigation to the top of the list on screen (first page of 50 fetched, ${r.first[0]?.rows ?? "?"} rows painted), warm server`, { ms: firstMs, apiMs: r.first.map((f) => f.listRequestEndMs - f.listRequestStartMs) }, TARGETS.firstRows),
    row("open a message: click to header shown and body frame loaded", r.open, TARGETS.open),
    ...searchRows,
    row(`jump to the middle: list scrolled to row ${r.middleRow.toLocaleString("en")} ± a few pages, to its rows painted`, r.middle),
    `| JavaScript of the mail page, gzip (${r.js.initial.length} scripts, empty cache) | ${fmt(kb(jsGzip), 1)} KB | – | – | ≤ ${TARGETS.jsKB} KB | ${verdict(kb(jsGzip), TARGETS.jsKB)} |`,
    `| server memory per signed-in session (RSS of next-server, ${r.memory.sessions} more sessions) | ${fmt(perSessionMB, 2)} MB (${fmt((perSessionMB * 1e6) / 2 ** 20, 2)} MiB) | – | – | ≤ ${TARGETS.sessionMB} MB | ${verdict(perSessionMB, TARGETS.sessionMB)} |`,
    "",
    `- first rows, where the time goes (medians, ms from navigation start): document's first byte ${med((f) => f.documentMs)}, DOMContentLoaded ${med((f) => f.domContentLoadedMs)}, ` +
      `the list's first page requested at ${med((f) => f.listRequestStartMs)} and answered at ${med((f) => f.listRequestEndMs)}, rows on screen at ${fmt(median(firstMs))}.`,
    `- open: the first open after the page loaded took ${fmt(r.openCold)} ms (not in the median); ${r.openWrong ? `${r.openWrong} opens showed another subject than the row clicked` : "every open showed the subject of the row clicked"}.`,
    `- search: the search box's default scope; hits are the API's total for the same query, the corpus planted the words in bodies only.`,
    `- JavaScript: ${fmt(kb(jsRaw), 1)} KB uncompressed; gzip is zlib level 6 of each script (what \`next start\`'s compression sends); the page's Resource Timing counted ${fmt(kb(jsWire), 1)} KB on the wire (content-encoding: ${encodings}). ` +
      `Each (gzip): ${largest.map((s) => `${s.url.replace(/^\/_next\/static\/chunks\//, "")} ${fmt(kb(s.gzipBytes), 1)} KB`).join(", ")}. ` +
      `Opening a message and a search then loaded ${r.js.later.length} more scripts (${fmt(kb(laterGzip), 1)} KB gzip).`,
    `- memory: next-server RSS ${fmt(r.memory.beforeKiB / 1024, 1)} MiB with 1 session signed in (after the timed runs), ${fmt(r.memory.afterKiB / 1024, 1)} MiB with ${r.memory.sessions + 1}, ` +
      `each with its list loaded and its live-update stream (IMAP IDLE) open; peak (VmHWM) ${fmt(r.memory.peakKiB / 1024, 1)} MiB. Medians of 5 readings, 3 s after the last sign-in.`,
    `- corpus: ${r.corpus.messages.toLocaleString("en")} messages, ${fmt(r.corpus.bytes / 2 ** 20)} MiB, seeded generator bench/lib/corpus.ts (as BENCH=imap); \`mailctl import\` took ${fmt(r.corpus.importSeconds, 1)} s.`,
    ...machineFacts("Chromium " + chromiumVersion, r.loadAtStart, loadavg()[0]),
  ].join("\n");
}

let chromiumVersion = "?";

// --- Main ----------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0];
  log(`${MESSAGES} messages, ${RUNS} runs (+ warm-up), ${SESSIONS} sessions for memory`);

  const dataDir = mkdtempSync(join(tmpdir(), "bench-webmail-data-"));
  onCleanup(() => {
    if (KEEP_DATA) log(`kept the mail server's DATA_DIR: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  });
  const mboxDir = mkdtempSync(join(tmpdir(), "bench-webmail-mbox-"));
  const removeMbox = onCleanup(() => rmSync(mboxDir, { recursive: true, force: true }));

  let common = 0;
  let rare = 0;
  function* counted(): Generator<CorpusMessage> {
    for (const message of new Corpus(MESSAGES).messages()) {
      if (message.hasCommon) common++;
      if (message.hasRare) rare++;
      yield message;
    }
  }
  const mbox = writeMboxFiles(counted(), mboxDir, IMPORT_BATCH, (n) => log(`corpus: ${n}/${MESSAGES} messages written`));

  const env = await serverEnv(dataDir, ["IMAP"]);
  mailctl(env, ["domain", "add", "bench.test"]);
  mailctl(env, ["user", "add", USER, "--password-stdin"], `${PASSWORD}\n`);
  const importStart = performance.now();
  for (const [i, file] of mbox.files.entries()) {
    const out = await mailctlAsync(env, ["import", USER, file]);
    log(`import: ${out.trim()} (${i + 1}/${mbox.files.length})`);
  }
  const importSeconds = (performance.now() - importStart) / 1000;
  await removeMbox();

  const ours = await startOurs(env);
  if (KEEP_DATA) onCleanup(() => ours.stop({ keepData: true }));
  log("web: next build if stale, then next start");
  const web: WebServer = await startWeb(env, log);
  const browser = await launchChromium();
  chromiumVersion = browser.version();

  const context = await newContext(browser, web.origin);
  const page = await context.newPage();
  page.on("pageerror", (error) => log(`page error: ${error.message}`));
  await signIn(page);

  log("first rows");
  for (let i = 0; i < 2; i++) await firstRows(page);
  const first: FirstRows[] = [];
  for (let run = 0; run < RUNS; run++) first.push(await firstRows(page));
  log(`first rows: ${first.map((f) => fmt(f.ms)).join(", ")} ms`);

  log("open");
  const openCold = (await openMessage(page, 0)).ms;
  const open = timed();
  let openWrong = 0;
  for (let run = 0; run < RUNS; run++) {
    const result = await openMessage(page, run + 1);
    add(open, result);
    if (!result.ok) openWrong++;
  }
  log(`open: ${open.ms.map((ms) => fmt(ms)).join(", ")} ms`);

  log("search");
  const searches: Results["searches"] = [];
  for (const [word, planted] of [
    [RARE_WORD, rare],
    [COMMON_WORD, common],
  ] as const) {
    const { total: found, truncated } = (await (await page.request.get(`/api/mail/search?${new URLSearchParams({ q: word, limit: "1" })}`)).json()) as { total: number; truncated: boolean };
    await search(page, word);
    const times = timed();
    for (let run = 0; run < RUNS; run++) add(times, await search(page, word));
    searches.push({ word, planted, found, truncated, timed: times });
    log(`search "${word}": ${times.ms.map((x) => fmt(x)).join(", ")} ms, ${found} hits`);
  }

  log("middle");
  await firstRows(page);
  const middleRow = Math.floor(MESSAGES / 2);
  // A different stretch each time (pages of 50 apart), so no run finds its rows already fetched.
  const offsets = Array.from({ length: RUNS + 1 }, (_, i) => (i - Math.floor(RUNS / 2)) * 7 * 50);
  const middle = timed();
  for (const [i, offset] of offsets.entries()) {
    const result = await jumpTo(page, Math.min(MESSAGES - 20, Math.max(0, middleRow + offset)));
    if (i > 0) add(middle, result);
    await jumpTo(page, 0);
  }
  log(`middle: ${middle.ms.map((ms) => fmt(ms)).join(", ")} ms`);

  log("javascript");
  const js = await javascript(browser, web.origin);
  log(`javascript: ${js.initial.length} scripts, ${fmt(kb(js.initial.reduce((s, x) => s + x.gzipBytes, 0)), 1)} KB gzip`);

  log(`memory: ${SESSIONS} more sessions`);
  const beforeKiB = await steadyRssKiB(web.pid);
  const contexts: BrowserContext[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const other = await newContext(browser, web.origin);
    contexts.push(other);
    const otherPage = await other.newPage();
    await signIn(otherPage);
    await otherPage.evaluate(() => globalThis.__bench.firstRows);
  }
  const afterKiB = await steadyRssKiB(web.pid);
  const peakKiB = rssKiB(web.pid, "VmHWM");
  log(`memory: ${fmt(beforeKiB / 1024, 1)} → ${fmt(afterKiB / 1024, 1)} MiB`);
  for (const other of contexts) await other.close();

  writeResultsSection(
    "Webmail in Chromium on a large INBOX",
    report({
      corpus: { messages: mbox.messages, bytes: mbox.bytes, common, rare, importSeconds },
      first,
      open,
      openCold,
      openWrong,
      searches,
      middle,
      middleRow,
      js,
      memory: { beforeKiB, afterKiB, sessions: SESSIONS, peakKiB },
      loadAtStart,
    }),
  );
  log("results written to bench/RESULTS.md");
}

runMain(main);
