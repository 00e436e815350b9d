"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { adminChange, formText, type ActionResult } from "@/lib/web/admin";

/** A queue id, or "all" for retry; anything else is refused here, before the mail server. */
function queueId(data: FormData, allowAll: boolean): string | null {
  const id = formText(data, "id", 12);
  return /^\d{1,9}$/.test(id) || (allowAll && id === "all") ? id : null;
}

export async function retryQueued(_previous: ActionResult, data: FormData): Promise<ActionResult> {
  const t = await getTranslations("Admin.queue");
  const id = queueId(data, true);
  if (!id) return { state: "error", message: t("badId") };
  const result = await adminChange(`/api/v1/queue/${id}/retry`, { method: "POST" }, (body) => ({ state: "ok", message: t("retrying", { count: Number(body.recipients) }) }));
  revalidatePath("/admin/queue");
  return result;
}

export async function deleteQueued(_previous: ActionResult, data: FormData): Promise<ActionResult> {
  const t = await getTranslations("Admin.queue");
  const id = queueId(data, false);
  if (!id) return { state: "error", message: t("badId") };
  const result = await adminChange(`/api/v1/queue/${id}`, { method: "DELETE" }, () => ({ state: "ok", message: t("deleted", { id }) }));
  revalidatePath("/admin/queue");
  return result;
}
