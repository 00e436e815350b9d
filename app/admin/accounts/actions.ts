"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { adminChange, formText, type ActionResult } from "@/lib/web/admin";
import { revokeSessions } from "@/lib/web/auth/web-sessions";

const PATH = "/admin/accounts";

export async function createAccount(_previous: ActionResult, data: FormData): Promise<ActionResult> {
  const t = await getTranslations("Admin.accounts");
  const address = formText(data, "address", 254).trim();
  const password = formText(data, "password");
  const quota = formText(data, "quota", 40).trim();
  if (!address) return { state: "error", message: t("addressMissing") };
  if (!password) return { state: "error", message: t("passwordMissing") };
  const body = { address, password, displayName: formText(data, "displayName", 200).trim(), quota, isAdmin: data.get("isAdmin") === "on" };
  const result = await adminChange("/api/v1/accounts", { method: "POST", body }, (reply) => ({ state: "ok", message: t("created", { address: String(reply.address) }) }));
  revalidatePath(PATH);
  return result;
}

async function changeAccount(data: FormData, change: Record<string, string | boolean>, message: (address: string) => string): Promise<ActionResult> {
  const address = formText(data, "address", 254);
  const result = await adminChange(`/api/v1/accounts/${encodeURIComponent(address)}`, { method: "PATCH", body: change }, () => ({ state: "ok", message: message(address) }));
  revalidatePath(PATH);
  return result;
}

export async function resetPassword(_previous: ActionResult, data: FormData): Promise<ActionResult> {
  const t = await getTranslations("Admin.accounts");
  const password = formText(data, "password");
  if (!password) return { state: "error", message: t("passwordMissing") };
  const result = await changeAccount(data, { password }, (address) => t("passwordSet", { address }));
  // A reset often follows a break-in: whoever is signed in to the webmail with the old password is
  // signed out too (the mail server has ended the account's IMAP, POP3 and SMTP sessions already).
  if (result.state === "ok") await revokeSessions(formText(data, "address", 254), "all");
  return result;
}

export async function setQuota(_previous: ActionResult, data: FormData): Promise<ActionResult> {
  const t = await getTranslations("Admin.accounts");
  const quota = formText(data, "quota", 40).trim();
  if (!quota) return { state: "error", message: t("quotaMissing") };
  return changeAccount(data, { quota }, (address) => t("quotaSet", { address, quota }));
}

export async function setDisabled(_previous: ActionResult, data: FormData): Promise<ActionResult> {
  const t = await getTranslations("Admin.accounts");
  const disabled = formText(data, "disabled") === "true";
  return changeAccount(data, { disabled }, (address) => t(disabled ? "disabledNow" : "enabledNow", { address }));
}

export async function setAdmin(_previous: ActionResult, data: FormData): Promise<ActionResult> {
  const t = await getTranslations("Admin.accounts");
  const isAdmin = formText(data, "isAdmin") === "true";
  return changeAccount(data, { isAdmin }, (address) => t(isAdmin ? "adminNow" : "adminNoMore", { address }));
}

export async function deleteAccount(_previous: ActionResult, data: FormData): Promise<ActionResult> {
  const t = await getTranslations("Admin.accounts");
  const address = formText(data, "address", 254);
  const result = await adminChange(`/api/v1/accounts/${encodeURIComponent(address)}`, { method: "DELETE" }, () => ({ state: "ok", message: t("deleted", { address }) }));
  revalidatePath(PATH);
  return result;
}
