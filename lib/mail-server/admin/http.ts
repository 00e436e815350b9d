// The mail server's management API over HTTP, for the webmail (which may not touch the
// store: ARCHITECTURE rule 1) and later for the administration pages. It listens on
// loopback unless BIND_ADDRESS names one interface. For now it answers the first-run
// question and creates the first administrator, and only while no account exists.
import http from "node:http";
import type { Config } from "@/lib/config";
import { StoreError, type MailStore } from "../store";

const MAX_BODY = 64 * 1024;

type Reply = { status: number; body: unknown };

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new StoreError("invalid", "request body too large");
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new StoreError("invalid", "the request body is not JSON");
  }
}

function field(body: unknown, name: string): string {
  const value = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new StoreError("invalid", `${name} must be a string`);
  return value;
}

/** Store errors are phrased to follow "error: "; alone on a page they start with a capital. */
function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? "" : ".");
}

const STATUS: Record<StoreError["code"], number> = { invalid: 400, "weak-password": 400, exists: 409, forbidden: 409, "not-found": 404 };

async function route(store: MailStore, request: http.IncomingMessage): Promise<Reply> {
  const url = new URL(request.url ?? "/", "http://admin");
  if (url.pathname === "/api/v1/health" && request.method === "GET") return { status: 200, body: { ok: true } };
  if (url.pathname === "/api/v1/setup") {
    if (request.method === "GET") return { status: 200, body: { needed: (await store.accounts.count()) === 0 } };
    if (request.method === "POST") {
      const body = await readJson(request);
      const address = field(body, "address");
      const password = field(body, "password");
      if (!address) throw new StoreError("invalid", "enter an e-mail address such as you@example.org");
      if (!password) throw new StoreError("weak-password", "enter a password");
      const account = await store.accounts.addFirstAccount({ address, password, displayName: field(body, "displayName") });
      return { status: 201, body: { address: account.address, domain: account.address.split("@")[1] } };
    }
    return { status: 405, body: { error: "method not allowed" } };
  }
  return { status: 404, body: { error: "not found" } };
}

export async function startAdminServer(config: Config, store: MailStore, port: number): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    route(store, request)
      .catch((error: unknown): Reply => {
        if (error instanceof StoreError) return { status: STATUS[error.code], body: { error: sentence(error.message) } };
        console.error(`admin: ${error instanceof Error ? error.message : String(error)}`);
        return { status: 500, body: { error: "internal error" } };
      })
      .then(({ status, body }) => {
        response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
        response.end(JSON.stringify(body));
      });
  });
  server.requestTimeout = 10_000;
  const host = config.bindAddress === "0.0.0.0" || config.bindAddress === "::" ? "127.0.0.1" : config.bindAddress;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, () => resolve());
  });
  return server;
}
