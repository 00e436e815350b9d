// next-intl's per-request configuration (named in next.config.js): the language and its messages.
import { cookies, headers } from "next/headers";
import type { Messages } from "next-intl";
import { getRequestConfig } from "next-intl/server";
import { isLocale, LOCALE_COOKIE, negotiateLocale } from "./locales";

export default getRequestConfig(async () => {
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
  const locale = isLocale(chosen) ? chosen : negotiateLocale((await headers()).get("accept-language"));
  const messages = (await import(`../../../messages/${locale}.json`)) as { default: Messages };
  return { locale, messages: messages.default };
});
