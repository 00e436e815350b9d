// Normal forms of domains and addresses, so that lookups never depend on how a client
// spelled a name: domains are compared as lower-case IDNA A-labels, local parts
// case-insensitively (RFC 5321 allows case-sensitive local parts; no real system uses it).
import { domainToASCII } from "node:url";
import { StoreError } from "./errors";

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** "Bücher.Example" → "xn--bcher-kva.example"; throws StoreError on a name that isn't one. */
export function normalizeDomain(domain: string): string {
  // Ideographic and full-width full stops are dots (UTS #46).
  const trimmed = domain.trim().replace(/[\u3002\uff0e\uff61]/g, ".").replace(/\.$/, "");
  // domainToASCII parses a URL host: "a.test/x" would become "a.test" and "0x7f.1" an IPv4
  // address. Only letters, digits, marks, dots and hyphens reach it, and no numeric TLD.
  if (!/^[\p{L}\p{N}\p{M}.-]+$/u.test(trimmed) || /(^|\.)\d+$/.test(trimmed)) {
    throw new StoreError("invalid", `"${domain}" is not a valid domain name`);
  }
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (!ascii || ascii.length > 253 || !ascii.split(".").every((label) => LABEL.test(label))) {
    throw new StoreError("invalid", `"${domain}" is not a valid domain name`);
  }
  return ascii;
}

export interface ParsedAddress {
  local: string;
  domain: string;
  /** local@domain with the domain normalised, as stored. */
  address: string;
  /** Lower-cased, what lookups match on. */
  key: string;
}

/**
 * Splits and checks an address given to the CLI or the management API (not SMTP paths,
 * which the SMTP parser validates). Local parts may be UTF-8 (RFC 6531).
 */
export function parseAddress(input: string): ParsedAddress {
  const value = input.trim();
  const at = value.lastIndexOf("@");
  if (at <= 0 || at === value.length - 1) throw new StoreError("invalid", `"${input}" is not an e-mail address (user@domain)`);
  const local = value.slice(0, at);
  if (local.length > 64 || !/^[^\s@"(),:;<>[\]\\\x00-\x1f\x7f]+$/u.test(local) || local.startsWith(".") || local.endsWith(".") || local.includes("..")) {
    throw new StoreError("invalid", `"${local}" is not a valid local part of an address`);
  }
  const domain = normalizeDomain(value.slice(at + 1));
  const address = `${local}@${domain}`;
  return { local, domain, address, key: address.toLowerCase() };
}

export function addressKey(local: string, domain: string): string {
  return `${local}@${domain}`.toLowerCase();
}
