// The webmail's HTTP server: Next.js's request handler behind our own listener, for one reason: the
// address a request came from. `next start` keeps an X-Forwarded-For the client wrote itself, so a
// script could claim a new address with every request and walk past every per-address limit (sign-up,
// sign-in). Here the socket's address is appended to it, as a reverse proxy would append its own; the
// webmail reads the entry that its side of the connection vouches for (lib/web/client-address.ts).
import http from "node:http";
import next from "next";
import { ROOT } from "./web-build";

export interface WebServer {
  close(): Promise<void>;
}

/** Appends the peer's address to X-Forwarded-For (IPv4-mapped IPv6 written as IPv4). */
export function appendPeerAddress(request: http.IncomingMessage) {
  const peer = (request.socket.remoteAddress ?? "unknown").replace(/^::ffff:/i, "");
  const prior = request.headers["x-forwarded-for"];
  const written = Array.isArray(prior) ? prior.join(", ") : prior;
  request.headers["x-forwarded-for"] = written ? `${written}, ${peer}` : peer;
}

export async function startWebServer(hostname: string, port: number): Promise<WebServer> {
  // A production server: the build's pages, never the development compiler.
  Object.assign(process.env, { NODE_ENV: "production" });
  const app = next({ dev: false, dir: ROOT, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((request, response) => {
    appendPeerAddress(request);
    void handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: hostname, port }, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Live-update streams (SSE) never end by themselves.
        server.closeAllConnections();
      }),
  };
}
