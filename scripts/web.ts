// `npm run web`: the webmail alone, built if needed, then served by Next.js behind our listener
// (scripts/lib/web-server.ts says why not `next start`).
import { ConfigError, loadConfig, type Config } from "../lib/config";
import { ensureWebBuild } from "./lib/web-build";
import { startWebServer } from "./lib/web-server";

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
  let server: Awaited<ReturnType<typeof startWebServer>>;
  try {
    server = await startWebServer(config.bindAddress, port);
  } catch (error) {
    fatal(`cannot start the webmail on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`);
  }
  console.log(`Webmail on http://${host}:${port}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      void server.close().then(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
