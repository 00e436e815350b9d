// `npm run web`: the webmail alone, built if needed, then served by `next start`.
import { constants } from "node:os";
import { ConfigError, loadConfig, type Config } from "../lib/config";
import { ensureWebBuild, spawnNext } from "./lib/web-build";

function fatal(message: string): never {
  console.error(message);
  process.exit(1);
}

// Not top-level await: tsx runs this file as CommonJS (package.json has no "type": "module").
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fatal(error.message);
    throw error;
  }

  const { web: port } = config.ports;
  if (port === 0) {
    console.log("WEB_PORT is 0: the webmail is turned off.");
    return;
  }

  try {
    await ensureWebBuild();
  } catch (error) {
    fatal(error instanceof Error ? error.message : String(error));
  }

  const host = config.bindAddress.includes(":") ? `[${config.bindAddress}]` : config.bindAddress;
  console.log(`Webmail on http://${host}:${port}`);
  const server = spawnNext(["start", "-p", String(port), "-H", config.bindAddress]);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("error", (error) => fatal(`cannot start next: ${error.message}`));
  server.on("exit", (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
