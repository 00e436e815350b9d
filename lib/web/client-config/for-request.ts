// What the auto-configuration routes share: the settings for an address under this process's
// configuration, and the name clients show for the account.
import "server-only";
import { loadConfig, type Config } from "@/lib/config";
import { clientSettings, type ClientSettings } from "./settings";

export interface ClientConfigContext {
  config: Config;
  settings: ClientSettings;
  /** What a client calls the account: the mail domain, which people recognise. */
  displayName: string;
}

export function clientConfigFor(address: string): ClientConfigContext {
  const config = loadConfig();
  const settings = clientSettings(config, address);
  return { config, settings, displayName: settings.domain };
}

export function xmlResponse(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "application/xml; charset=utf-8", "cache-control": "no-store" } });
}
