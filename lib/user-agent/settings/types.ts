// The settings that follow a user across devices, and their From identities: types and pure checks,
// shared by the routes, the Settings page and the composer (no server-only imports).
import type { Address } from "@/lib/user-agent/mail/types";

export const DENSITIES = ["comfortable", "compact"] as const;
export type Density = (typeof DENSITIES)[number];
export const PAGE_SIZES = [25, 50, 100, 200] as const;
/** "ask": remote content blocked until the reader asks (or the sender is on their list); "always": shown. */
export const REMOTE_IMAGE_POLICIES = ["ask", "always"] as const;
export type RemoteImagePolicy = (typeof REMOTE_IMAGE_POLICIES)[number];
export const MAX_UNDO_SEND_SECONDS = 30;
export const MAX_DISPLAY_NAME = 200;
export const MAX_SIGNATURE = 10_000;

export interface UserSettings {
  displayName: string;
  /** An IANA zone; "" follows the browser's. */
  timeZone: string;
  density: Density;
  pageSize: number;
  remoteImages: RemoteImagePolicy;
  undoSendSeconds: number;
}

export const DEFAULT_SETTINGS: UserSettings = { displayName: "", timeZone: "", density: "comfortable", pageSize: 50, remoteImages: "ask", undoSendSeconds: 10 };

/** A From address the user writes as, with its name and signature. */
export interface Identity {
  address: string;
  displayName: string;
  /** HTML when signatureHtml, else plain text. */
  signature: string;
  signatureHtml: boolean;
  isDefault: boolean;
}

function oneOf<T extends string | number>(values: readonly T[], value: unknown): T | undefined {
  return values.find((candidate) => candidate === value);
}

/** Whether the runtime knows the zone (Intl throws on an unknown one). */
export function isTimeZone(zone: string): boolean {
  if (zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Text on one line: controls (line breaks, NUL) become spaces, so a name can't inject a header. */
export function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
}

/** The fields of a settings change that are given and valid, or the words saying which is not. */
export function parseSettingsChange(value: unknown): Partial<UserSettings> | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "Expected the settings as a JSON object.";
  const fields = value as Record<string, unknown>;
  const change: Partial<UserSettings> = {};
  if (fields.displayName !== undefined) {
    if (typeof fields.displayName !== "string" || fields.displayName.length > MAX_DISPLAY_NAME) return `The name must be text of at most ${MAX_DISPLAY_NAME} characters.`;
    change.displayName = oneLine(fields.displayName);
  }
  if (fields.timeZone !== undefined) {
    if (typeof fields.timeZone !== "string" || (fields.timeZone !== "" && !isTimeZone(fields.timeZone))) return "That is not a time zone this server knows.";
    change.timeZone = fields.timeZone;
  }
  if (fields.density !== undefined) {
    const density = oneOf(DENSITIES, fields.density);
    if (!density) return `The density is one of ${DENSITIES.join(", ")}.`;
    change.density = density;
  }
  if (fields.pageSize !== undefined) {
    const pageSize = oneOf(PAGE_SIZES, fields.pageSize);
    if (!pageSize) return `The page size is one of ${PAGE_SIZES.join(", ")}.`;
    change.pageSize = pageSize;
  }
  if (fields.remoteImages !== undefined) {
    const policy = oneOf(REMOTE_IMAGE_POLICIES, fields.remoteImages);
    if (!policy) return `Remote images: one of ${REMOTE_IMAGE_POLICIES.join(", ")}.`;
    change.remoteImages = policy;
  }
  if (fields.undoSendSeconds !== undefined) {
    const seconds = fields.undoSendSeconds;
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0 || seconds > MAX_UNDO_SEND_SECONDS) return `The undo-send delay is a whole number of seconds from 0 to ${MAX_UNDO_SEND_SECONDS}.`;
    change.undoSendSeconds = seconds;
  }
  return change;
}

/** The identity a new message starts with: the chosen default, else the account's own. */
export function defaultIdentity(identities: Identity[], account: string): Identity | undefined {
  return identities.find((identity) => identity.isDefault) ?? identities.find((identity) => sameAddress(identity.address, account)) ?? identities[0];
}

export function sameAddress(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Whom a message was addressed to, for choosing the identity that answers it. */
export interface Addressed {
  to: Address[];
  cc: Address[];
  /** Delivered-To / X-Original-To: the address the server delivered it for (an alias, a Bcc). */
  deliveredTo: string[];
}

/**
 * The identity a reply is written as: the one the original was sent to (To, then Cc, then the server's
 * Delivered-To, which also names the alias of a Bcc), else the default.
 */
export function identityForReply(identities: Identity[], account: string, original: Addressed): Identity | undefined {
  const candidates = [...original.to.map((entry) => entry.address), ...original.cc.map((entry) => entry.address), ...original.deliveredTo];
  for (const address of candidates) {
    const match = identities.find((identity) => sameAddress(identity.address, address));
    if (match) return match;
  }
  return defaultIdentity(identities, account);
}

/** An identity as the Settings page saves it, or the words saying what is wrong. */
export function parseIdentity(value: unknown): Identity | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "Expected the identity as a JSON object.";
  const { address, displayName, signature, signatureHtml, isDefault } = value as Record<string, unknown>;
  if (typeof address !== "string" || address.length > 320) return "Name the identity's address.";
  if (typeof displayName !== "string" || displayName.length > MAX_DISPLAY_NAME) return `The name must be text of at most ${MAX_DISPLAY_NAME} characters.`;
  if (typeof signature !== "string" || signature.length > MAX_SIGNATURE) return `The signature must be text of at most ${MAX_SIGNATURE} characters.`;
  if (typeof signatureHtml !== "boolean" || typeof isDefault !== "boolean") return "signatureHtml and isDefault must be true or false.";
  return { address: address.trim(), displayName: oneLine(displayName), signature, signatureHtml, isDefault };
}
