// The address a request came from, for throttling. Our web server (scripts/lib/web-server.ts) appends
// the socket's address to X-Forwarded-For, so the last entry is the peer, which no client can forge.
// When that peer is a reverse proxy on this machine or the local network, the proxy appended the
// address it saw just before: that one is the client. Entries further left are the client's own words.
const PROXY_PEER = /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$|f[cd][0-9a-f]{2}:|fe80:)/i;

export function clientAddress(headers: Headers | Record<string, string | string[] | undefined>): string {
  const raw = headers instanceof Headers ? headers.get("x-forwarded-for") : headers["x-forwarded-for"];
  const value = Array.isArray(raw) ? raw.join(",") : raw;
  const entries = (value ?? "")
    .split(",")
    .map((part) => part.trim().replace(/^::ffff:/i, "").toLowerCase())
    .filter(Boolean);
  const peer = entries.at(-1);
  if (!peer) return "unknown";
  return PROXY_PEER.test(peer) && entries.length > 1 ? entries[entries.length - 2] : peer;
}
