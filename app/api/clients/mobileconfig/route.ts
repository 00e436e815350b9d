// The signed-in user's Apple configuration profile (unsigned: see lib/web/client-config/mobileconfig.ts).
import { getTranslations } from "next-intl/server";
import { getSignedInUser } from "@/lib/web/auth/session";
import { contentDisposition } from "@/lib/web/content-disposition";
import { clientConfigFor } from "@/lib/web/client-config/for-request";
import { appleMobileconfig, MOBILECONFIG_TYPE } from "@/lib/web/client-config/mobileconfig";
import { jsonError } from "@/lib/web/mail-route";

export async function GET() {
  const user = await getSignedInUser();
  if (!user) return jsonError(401, "Sign in first.");
  const { config, settings, displayName } = clientConfigFor(user.address);
  const t = await getTranslations("Clients");
  const profile = appleMobileconfig({ settings, hostname: config.hostname, displayName, description: t("profileDescription", { address: user.address }) });
  if (!profile) return jsonError(409, "This server has no IMAP, POP3 or SMTP listener that a phone could use.");
  return new Response(profile, {
    headers: { "content-type": MOBILECONFIG_TYPE, "content-disposition": contentDisposition("attachment", `${settings.domain}.mobileconfig`), "cache-control": "no-store" },
  });
}
