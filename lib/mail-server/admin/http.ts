// The mail server's management API over HTTP, for the webmail (which may not touch the store:
// ARCHITECTURE rule 1): first-run setup, the signed-in user's own account, and administration.
// It listens on loopback unless BIND_ADDRESS names one interface. Routes are listed in routes/index.ts.
import http from "node:http";
import { adminListenAddress, type Config } from "@/lib/config";
import { StoreError, type MailStore } from "../store";
import { authenticateCaller } from "./auth";
import { OutboundQueue } from "../queue";
import type { Reply, ServerInfo } from "./request";
import { ROUTES, type Route } from "./routes";

/** Store errors are phrased to follow "error: "; alone on a page they start with a capital. */
function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? "" : ".");
}

const STATUS: Record<StoreError["code"], number> = { invalid: 400, "weak-password": 400, exists: 409, forbidden: 409, "not-found": 404 };

function matchPattern(pattern: string, pathname: string): Record<string, string> | null {
  const expected = pattern.split("/");
  const actual = pathname.split("/");
  if (expected.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < expected.length; i++) {
    if (expected[i].startsWith(":")) {
      try {
        params[expected[i].slice(1)] = decodeURIComponent(actual[i]);
      } catch {
        return null;
      }
    } else if (expected[i] !== actual[i]) return null;
  }
  return params;
}

async function dispatch(config: Config, store: MailStore, server: ServerInfo, request: http.IncomingMessage): Promise<Reply> {
  const url = new URL(request.url ?? "/", "http://admin");
  let pathMatched = false;
  for (const route of ROUTES) {
    const params = matchPattern(route.pattern, url.pathname);
    if (!params) continue;
    pathMatched = true;
    if (route.method !== request.method) continue;
    return runRoute(route, { config, store, server, request, url, params, caller: null });
  }
  return pathMatched ? { status: 405, body: { error: "method not allowed" } } : { status: 404, body: { error: "not found" } };
}

async function runRoute(route: Route, context: Parameters<Route["handle"]>[0]): Promise<Reply> {
  if (route.access === "public") return route.handle(context);
  const caller = await authenticateCaller(context.store, context.request);
  if (!caller) return { status: 401, body: { error: "Wrong address or password, or the account is disabled." } };
  if (route.access === "admin" && !caller.isAdmin) return { status: 403, body: { error: "Only administrators may do this." } };
  return route.handle({ ...context, caller });
}

/**
 * `running` is the mail server around it; without one (tests of the API alone) the queue routes work on
 * a queue that isn't started, as mailctl's does, and no listeners are reported.
 */
export async function startAdminServer(config: Config, store: MailStore, port: number, running?: ServerInfo): Promise<http.Server> {
  const info: ServerInfo = running ?? { queue: new OutboundQueue(config, store, { log: (line) => console.error(line) }), endpoints: () => [] };
  const server = http.createServer((request, response) => {
    dispatch(config, store, info, request)
      .catch((error: unknown): Reply => {
        if (error instanceof StoreError) return { status: STATUS[error.code], body: { error: sentence(error.message) } };
        console.error(`admin: ${error instanceof Error ? error.message : String(error)}`);
        return { status: 500, body: { error: "internal error" } };
      })
      .then(({ status, body }) => {
        const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };
        if (status === 401) headers["www-authenticate"] = 'Basic realm="mail server", charset="UTF-8"';
        response.writeHead(status, headers);
        response.end(JSON.stringify(body));
      });
  });
  server.requestTimeout = 10_000;
  const host = adminListenAddress(config.bindAddress);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, () => resolve());
  });
  return server;
}
