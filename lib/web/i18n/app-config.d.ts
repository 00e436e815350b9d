// Type-checked message keys and locales for next-intl: English is the reference, other languages must match it.
import type en from "@/messages/en.json";
import type { AppLocale } from "./locales";

declare module "next-intl" {
  interface AppConfig {
    Locale: AppLocale;
    Messages: typeof en;
  }
}
