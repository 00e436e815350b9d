// CSRF defence for route handlers that change state: the browser states where a request comes from in
// Origin (or, from older browsers, Sec-Fetch-Site), and a cross-site page cannot forge either.

function firstValue(header: string | null): string | null {
  const value = header?.split(",")[0]?.trim();
  return value ? value.toLowerCase() : null;
}

export function isSameOrigin(headers: Headers): boolean {
  const origin = headers.get("origin");
  if (origin === null) return headers.get("sec-fetch-site") === "same-origin";
  // Behind a reverse proxy the Host we see is the upstream's; the proxy passes the public one along.
  const host = firstValue(headers.get("x-forwarded-host")) ?? firstValue(headers.get("host"));
  if (origin === "null" || host === null) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
