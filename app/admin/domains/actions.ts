"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { adminChange, formText, type ActionResult } from "@/lib/web/admin";

export async function addDomain(_previous: ActionResult, data: FormData): Promise<ActionResult> {
  const t = await getTranslations("Admin.domains");
  const name = formText(data, "name", 253).trim();
  if (!name) return { state: "error", message: t("nameMissing") };
  const result = await adminChange("/api/v1/domains", { method: "POST", body: { name } }, (body) => ({
    state: "ok",
    message: t("added", { name: String(body.name) }),
    lines: Array.isArray(body.records) ? body.records.map(String) : [],
  }));
  revalidatePath("/admin/domains");
  return result;
}

export async function deleteDomain(_previous: ActionResult, data: FormData): Promise<ActionResult> {
  const t = await getTranslations("Admin.domains");
  const name = formText(data, "name", 253);
  const result = await adminChange(`/api/v1/domains/${encodeURIComponent(name)}`, { method: "DELETE" }, () => ({ state: "ok", message: t("deleted", { name }) }));
  revalidatePath("/admin/domains");
  return result;
}
