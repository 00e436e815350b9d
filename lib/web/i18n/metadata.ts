import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type en from "@/messages/en.json";

/** A page's `generateMetadata`: its title in the reader's language. */
export function titleMetadata(key: keyof (typeof en)["Metadata"]): () => Promise<Metadata> {
  return async () => ({ title: (await getTranslations("Metadata"))(key) });
}
