// Thunderbird's autoconfig (also /.well-known/autoconfig/mail/config-v1.1.xml, rewritten here in
// next.config.js: Next does not route folders whose names start with a dot). Public, like the file a
// provider would put on autoconfig.<domain>: it tells nothing the DNS SRV records don't.
import { loadConfig } from "@/lib/config";
import { EMAIL_ADDRESS_PLACEHOLDER, thunderbirdAutoconfig } from "@/lib/web/client-config/autoconfig";
import { clientConfigFor, xmlResponse } from "@/lib/web/client-config/for-request";
import { normalizeAddress } from "@/lib/web/client-config/settings";

export async function GET(request: Request) {
  const given = new URL(request.url).searchParams.get("emailaddress");
  const address = normalizeAddress(given);
  if (given !== null && address === null) {
    return new Response("emailaddress is not an e-mail address.\n", { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  const domains = loadConfig().domains;
  // Without an address: the first local domain, and Thunderbird's placeholder for the user name.
  const { settings, displayName } = clientConfigFor(address ?? `${EMAIL_ADDRESS_PLACEHOLDER}@${domains[0]}`);
  if (!address) settings.username = EMAIL_ADDRESS_PLACEHOLDER;
  return xmlResponse(thunderbirdAutoconfig({ settings, domains, displayName }));
}
