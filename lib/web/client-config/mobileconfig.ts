// An Apple configuration profile (.mobileconfig) with one com.apple.mail.managed payload: iPhone, iPad
// and macOS Mail set the account up from it. The profile is not signed (that needs a certificate from a
// CA the device trusts), so the device labels it "Unverified" before installing it.
import { createHash } from "node:crypto";
import { build } from "plist";
import type { ClientSettings, ServerSetting } from "./settings";

export const MOBILECONFIG_TYPE = "application/x-apple-aspen-config";

/** A UUID derived from the account, so downloading the profile again replaces the installed one. */
function stableUuid(...parts: string[]): string {
  const hex = createHash("sha256").update(parts.join("\n")).digest("hex");
  // RFC 9562 version 8 (a custom, here hash-based, UUID): its version and variant bits set as the RFC says.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}

/** com.example.mail from mail.example.com: profile identifiers are reverse-DNS. */
function reverseDns(hostname: string): string {
  return hostname.split(".").filter(Boolean).reverse().join(".");
}

function serverKeys(prefix: "Incoming" | "Outgoing", setting: ServerSetting, username: string) {
  return {
    [`${prefix}MailServerAuthentication`]: "EmailAuthPassword",
    [`${prefix}MailServerHostName`]: setting.host,
    [`${prefix}MailServerPortNumber`]: setting.port,
    // Apple's "Use SSL" means TLS of either kind: on a STARTTLS port Mail upgrades the connection.
    [`${prefix}MailServerUseSSL`]: true,
    [`${prefix}MailServerUsername`]: username,
  };
}

export interface MobileconfigInput {
  settings: ClientSettings;
  hostname: string;
  displayName: string;
  /** Shown by the device before installing. */
  description: string;
}

/** The profile's XML, or null when there is no IMAP or POP3 server to receive with, or no SMTP server. */
export function appleMobileconfig({ settings, hostname, displayName, description }: MobileconfigInput): string | null {
  const incoming = settings.imap[0] ?? settings.pop3[0];
  const outgoing = settings.smtp[0];
  if (!incoming || !outgoing) return null;
  const identifier = `${reverseDns(hostname)}.mail.${settings.address}`;
  const profile = {
    PayloadType: "Configuration",
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: stableUuid("profile", hostname, settings.address),
    PayloadDisplayName: `${displayName} (${settings.address})`,
    PayloadDescription: description,
    PayloadRemovalDisallowed: false,
    PayloadContent: [
      {
        PayloadType: "com.apple.mail.managed",
        PayloadVersion: 1,
        PayloadIdentifier: `${identifier}.account`,
        PayloadUUID: stableUuid("account", hostname, settings.address),
        PayloadDisplayName: settings.address,
        EmailAccountDescription: `${displayName} (${settings.address})`,
        EmailAccountType: settings.imap[0] ? "EmailTypeIMAP" : "EmailTypePOP",
        EmailAddress: settings.address,
        ...serverKeys("Incoming", incoming, settings.username),
        ...serverKeys("Outgoing", outgoing, settings.username),
        OutgoingPasswordSameAsIncomingPassword: true,
        SMIMEEnabled: false,
      },
    ],
  };
  return build(profile);
}
