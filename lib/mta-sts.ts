// The MTA-STS policy (RFC 8461) both processes need: the webmail serves it at
// /.well-known/mta-sts.txt, the mail server's DNS health check names its id in the _mta-sts record.
import { createHash } from "node:crypto";
import type { Config } from "@/lib/config";

/**
 * "enforce" only with the operator's own certificate (TLS_CERT): senders that enforce refuse a
 * self-signed one, and would stop delivering to us. "testing" asks them to report instead.
 */
export function mtaStsPolicy(config: Config): string {
  const mode = config.tls.certFile ? "enforce" : "testing";
  return `version: STSv1\r\nmode: ${mode}\r\nmx: ${config.hostname}\r\nmax_age: 604800\r\n`;
}

/** The policy's id for the TXT record: it changes exactly when the policy does, as RFC 8461 §3.1 asks. */
export function mtaStsPolicyId(config: Config): string {
  return createHash("sha256").update(mtaStsPolicy(config)).digest("hex").slice(0, 20);
}
