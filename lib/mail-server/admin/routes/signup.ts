// Sign-up (SIGNUP=closed|invite|open): what the sign-up page may offer, and creating an account by it.
// Public routes: the mode, an invite or the per-address limit decides. The webmail in front adds the
// proof of work, honeypot and fill-time checks; this side holds the rules that must not depend on it.
import { isIP } from "node:net";
import { StoreError, type MailStore } from "../../store";
import { Invites, type InviteState } from "../../store/invites";
import { checkPasswordStrength } from "../../store/passwords";
import { fromLoopback } from "../auth";
import { field, readJson, type Reply, type RouteContext } from "../request";
import { SignupThrottle } from "../signup-throttle";
import { deliverWelcomeMessage, WELCOME_LANGUAGES, type WelcomeLanguage } from "../welcome-message";

const MAX_DISPLAY_NAME = 100;
const MAX_PASSWORD = 1024;
/** ASCII letters, digits and . _ - inside: what every mail system and keyboard handles. */
const LOCAL_PART = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/i;
/** Role addresses (RFC 2142 and the like) are the operator's, not the first comer's. */
const RESERVED = new Set([
  "postmaster", "abuse", "hostmaster", "webmaster", "admin", "administrator", "root", "mailer-daemon", "noreply", "no-reply",
  "nobody", "security", "support", "info", "www", "ftp", "mail", "marketing", "sales", "noc", "autoconfig", "autodiscover",
]);

const WEAK_PASSWORD = "The password is too short or too easy to guess: use at least 10 characters, not a common password and not your user name.";

const throttles = new WeakMap<MailStore, SignupThrottle>();

function throttleFor(store: MailStore): SignupThrottle {
  let throttle = throttles.get(store);
  if (!throttle) throttles.set(store, (throttle = new SignupThrottle()));
  return throttle;
}

/**
 * The domains sign-up offers: every local domain but `localhost` (MAIL_DOMAINS' default, which nobody
 * outside this machine can send to). Administrators who host a domain they don't want to open create
 * those accounts themselves.
 */
export async function signupDomains(store: MailStore): Promise<string[]> {
  return (await store.accounts.listDomains()).map((domain) => domain.name).filter((name) => name !== "localhost");
}

const INVITE_WORDS: Record<Exclude<InviteState, "valid">, string> = {
  used: "This invite link has already been used.",
  expired: "This invite link has expired: ask for a new one.",
  revoked: "This invite link was withdrawn.",
  unknown: "This invite link is not valid: check that it was copied whole.",
};

function refuse(status: number, code: string, error: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { code, error, ...extra } };
}

export async function getSignup({ config, store, url }: RouteContext): Promise<Reply> {
  const token = url.searchParams.get("invite");
  const invite = token ? await new Invites(store.db, store.sql).check(token) : undefined;
  return { status: 200, body: { mode: config.signup, domains: config.signup === "closed" ? [] : await signupDomains(store), ...(invite ? { invite } : {}) } };
}

function minutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

export async function createSignupAccount({ config, store, request }: RouteContext): Promise<Reply> {
  if (config.signup === "closed") return refuse(403, "closed", "Sign-up is closed on this server: ask its administrator for an account.");
  const body = await readJson(request);
  const localPart = field(body, "localPart").trim();
  const domain = field(body, "domain").trim().toLowerCase();
  const displayName = field(body, "displayName").trim();
  const password = field(body, "password");
  const token = field(body, "invite").trim();
  const language: WelcomeLanguage = (WELCOME_LANGUAGES as readonly string[]).includes(field(body, "language")) ? (field(body, "language") as WelcomeLanguage) : "en";
  // The webmail on this machine reports its visitor's address; any other caller is counted under its own,
  // so that calling the API directly (past the webmail's proof of work) can't claim fresh addresses.
  const reported = field(body, "clientAddress");
  const clientAddress = fromLoopback(request) && isIP(reported) ? reported : (request.socket.remoteAddress ?? "unknown");

  if (config.signup === "invite" && !token) return refuse(403, "invite-required", "Sign-up needs an invite link from an administrator of this server.");
  if (!LOCAL_PART.test(localPart) || localPart.includes("..")) {
    return refuse(400, "bad-local-part", "Choose a user name of letters a–z, digits, and dots, hyphens or underscores between them (at most 64).");
  }
  if (RESERVED.has(localPart.toLowerCase())) return refuse(400, "reserved", `"${localPart}" is reserved for the server's administrators: choose another user name.`);
  if (!(await signupDomains(store)).includes(domain)) return refuse(400, "bad-domain", "Sign-up offers addresses only in this server's own domains.");
  if (displayName.length > MAX_DISPLAY_NAME || /[\u0000-\u001f\u007f]/.test(displayName)) {
    return refuse(400, "bad-name", `The name must be one line of at most ${MAX_DISPLAY_NAME} characters.`);
  }
  if (password.length > MAX_PASSWORD) return refuse(400, "weak-password", `The password is longer than ${MAX_PASSWORD} characters.`);
  const address = `${localPart}@${domain}`;

  // Checked before the invite or the hourly allowance is spent on an account that can't be made.
  try {
    checkPasswordStrength(password, address);
  } catch (error) {
    if (error instanceof StoreError) return refuse(400, "weak-password", WEAK_PASSWORD);
    throw error;
  }

  const invites = new Invites(store.db, store.sql);
  let undo: () => Promise<void> | void;
  if (token) {
    const used = await invites.use(token, address);
    if (!used.ok) return refuse(410, `invite-${used.state}`, INVITE_WORDS[used.state]);
    undo = () => invites.release(used.id, address);
  } else {
    const taken = throttleFor(store).take(clientAddress);
    if (!taken.ok) {
      const wait = minutes(taken.waitMs);
      return refuse(429, "throttled", `Too many new accounts from your network: try again in ${wait} minute${wait === 1 ? "" : "s"}.`, { retryAfterMinutes: wait });
    }
    undo = taken.undo;
  }

  let account;
  try {
    account = await store.accounts.addAccount({ address, password, displayName });
  } catch (error) {
    await undo();
    if (error instanceof StoreError && error.code === "exists") return refuse(409, "taken", `${address} is taken: choose another user name.`);
    throw error;
  }
  await deliverWelcomeMessage(store, account, language);
  return { status: 201, body: { address: account.address } };
}
