import { NextResponse } from "next/server";
import { updateSettings } from "@/lib/user-agent/settings/store";
import { parseSettingsChange } from "@/lib/user-agent/settings/types";
import { settingsView } from "@/lib/user-agent/settings/view";
import { jsonError } from "@/lib/web/mail-route";
import { readChange, withSettingsUser } from "./user";

/** The SettingsView: settings, identities, trusted senders, whether the password can be changed here. */
export async function GET() {
  return withSettingsUser(async (user, prisma) => NextResponse.json(await settingsView(prisma, user), { headers: { "cache-control": "no-store" } }));
}

/** Changes some settings, each of them optional: { displayName, timeZone, density, pageSize, remoteImages, undoSendSeconds }. */
export async function PATCH(request: Request) {
  const body = await readChange(request);
  if (body instanceof Response) return body;
  const change = parseSettingsChange(body);
  if (typeof change === "string") return jsonError(400, change);
  return withSettingsUser(async (user, prisma) => NextResponse.json({ settings: await updateSettings(prisma, user.address, change) }));
}
