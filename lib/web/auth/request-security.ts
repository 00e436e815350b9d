import "server-only";

/**
 * Whether the browser reached us over HTTPS: NEXTAUTH_URL says so when set, else the reverse proxy's
 * X-Forwarded-Proto. Decides the Secure flag (and __Secure- name) of the session cookie. A client that
 * lies about it over plain HTTP only gets a cookie its browser refuses to send back.
 */
export function isSecureRequest(headers: Headers | Record<string, string | string[] | undefined>): boolean {
  const configured = process.env.NEXTAUTH_URL?.trim();
  if (configured) return configured.startsWith("https://");
  const raw = headers instanceof Headers ? headers.get("x-forwarded-proto") : headers["x-forwarded-proto"];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value?.split(",")[0]?.trim().toLowerCase() === "https";
}
