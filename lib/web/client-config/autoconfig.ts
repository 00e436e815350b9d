// Thunderbird's autoconfig file (config-v1.1.xml), as its documented format describes it: Thunderbird,
// Evolution, KMail and others fetch it from /.well-known/autoconfig/mail/config-v1.1.xml or
// autoconfig.<domain>/mail/config-v1.1.xml with ?emailaddress=.
import type { ClientSettings, ServerSetting } from "./settings";
import { xmlDocument } from "./xml";

/** Thunderbird's placeholder, for when no address came with the request. */
export const EMAIL_ADDRESS_PLACEHOLDER = "%EMAILADDRESS%";

function server(type: "imap" | "pop3" | "smtp", setting: ServerSetting, username: string) {
  return {
    "@type": type,
    hostname: setting.host,
    port: setting.port,
    socketType: setting.socketType,
    // PLAIN or LOGIN, which our servers accept only over TLS (or STARTTLS): never in the clear.
    authentication: "password-cleartext",
    username,
  };
}

export interface AutoconfigInput {
  settings: ClientSettings;
  /** The domains this provider serves (MAIL_DOMAINS); the requested one comes first. */
  domains: string[];
  displayName: string;
}

export function thunderbirdAutoconfig({ settings, domains, displayName }: AutoconfigInput): string {
  const { username } = settings;
  const incoming = [...settings.imap.map((s) => server("imap", s, username)), ...settings.pop3.map((s) => server("pop3", s, username))];
  return xmlDocument({
    clientConfig: {
      "@version": "1.1",
      emailProvider: {
        "@id": settings.domain,
        domain: [...new Set([settings.domain, ...domains])],
        displayName,
        displayShortName: displayName,
        incomingServer: incoming,
        outgoingServer: settings.smtp.map((s) => server("smtp", s, username)),
      },
    },
  });
}
