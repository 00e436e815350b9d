// A stand-in for a sender's web server (tracking pixels, remote images and styles), listening on
// loopback and recording every request that reaches it. Playwright's page.route does not see image
// requests made from inside an opaque-origin sandboxed frame, so the requests are counted where they land.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RemoteHost {
  origin: string;
  requests: string[];
  /** User-Agent of each request, in the same order: a browser's, or (SSRF) the webmail server's own. */
  agents: string[];
  close(): Promise<void>;
}

const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

export async function startRemoteHost(): Promise<RemoteHost> {
  const requests: string[] = [];
  const agents: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? "");
    agents.push(request.headers["user-agent"] ?? "");
    response.writeHead(200, { "content-type": "image/gif", "cache-control": "no-store" });
    response.end(PIXEL);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    agents,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
