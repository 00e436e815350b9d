"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { adminChange, formText, type ActionResult } from "@/lib/web/admin";

export async function addAlias(_previous: ActionResult, data: FormData): Promise<ActionResult> {
  const t = await getTranslations("Admin.aliases");
  const alias = formText(data, "alias", 254).trim();
  const target = formText(data, "target", 254).trim();
  if (!alias) return { state: "error", message: t("aliasMissing") };
  if (!target) return { state: "error", message: t("targetMissing") };
  const result = await adminChange("/api/v1/aliases", { method: "POST", body: { alias, target } }, () => ({ state: "ok", message: t("added", { alias, target }) }));
  revalidatePath("/admin/aliases");
  return result;
}

export async function deleteAlias(_previous: ActionResult, data: FormData): Promise<ActionResult> {
  const t = await getTranslations("Admin.aliases");
  const alias = formText(data, "alias", 254);
  const target = formText(data, "target", 254);
  const query = new URLSearchParams({ alias, target });
  const result = await adminChange(`/api/v1/aliases?${query}`, { method: "DELETE" }, () => ({ state: "ok", message: t("deleted", { alias, target }) }));
  revalidatePath("/admin/aliases");
  return result;
}
