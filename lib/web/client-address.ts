// The address a request came from, for throttling. `next start` fills X-Forwarded-For with the socket
// address only when the request has none, and a reverse proxy appends the address it saw, so the last
// entry is the one our side vouches for. Without a proxy a client can still write that header itself:
// the per-account limit is what holds then.
export function clientAddress(headers: Headers | Record<string, string | string[] | undefined>): string {
  const raw = headers instanceof Headers ? headers.get("x-forwarded-for") : headers["x-forwarded-for"];
  const value = Array.isArray(raw) ? raw.join(",") : raw;
  const last = value
    ?.split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .at(-1);
  return last ? last.replace(/^::ffff:/i, "").toLowerCase() : "unknown";
}
