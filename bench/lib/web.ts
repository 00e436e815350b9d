/**
 * The webmail as production runs it: the `next build` output served by `next start` (one process,
 * which names itself next-server), in its own process group, pointed at one of our servers.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "@playwright/test";
import { freePort } from "../../tests/support/postfix";
import { ensureWebBuild } from "../../scripts/lib/web-build";
import { onCleanup, ROOT, sleep } from "./common";

export interface WebServer {
  pid: number;
  origin: string;
  stop(): Promise<void>;
}

/** Builds when the build is older than the sources (scripts/lib/web-build.ts), then starts `next start`. */
export async function startWeb(serverEnv: NodeJS.ProcessEnv, log: (line: string) => void): Promise<WebServer> {
  await ensureWebBuild(log);
  const port = await freePort();
  // The webmail's own files (its secret, per-user settings) apart from the mail server's DATA_DIR.
  const dataDir = mkdtempSync(join(tmpdir(), "bench-web-"));
  const env = { ...serverEnv, DATA_DIR: dataDir, WEB_PORT: String(port), BIND_ADDRESS: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1" };
  const server = spawn(process.execPath, [join(ROOT, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000));
  server.stdout.on("data", keep);
  server.stderr.on("data", keep);
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  const stop = onCleanup(async () => {
    if (server.exitCode === null && server.signalCode === null && server.pid) {
      process.kill(-server.pid, "SIGTERM");
      if (!(await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]))) process.kill(-server.pid, "SIGKILL");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (server.exitCode !== null) throw new Error(`next start exited (${server.exitCode}):\n${output}`);
    const ready = await fetch(`${origin}/favicon.svg`).then((r) => r.ok, () => false);
    if (ready) break;
    if (i > 300) throw new Error(`next start not answering after 30 s:\n${output}`);
    await sleep(100);
  }
  return { pid: server.pid!, origin, stop };
}

/** Signs in through the sign-in page, as a person would, and waits for the mail page. */
export async function signIn(page: Page, user: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("E-mail address").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/", { timeout: 30_000 });
}

/** Debian's Chromium (Playwright cannot download browsers here), closed at clean-up. */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  onCleanup(() => browser.close());
  return browser;
}
