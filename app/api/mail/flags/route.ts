import { NextResponse } from "next/server";
import { setFlags } from "@/lib/user-agent/mail/message";
import { readJsonBody } from "@/lib/web/json-body";
import { folderParameter, jsonError, withImapSession } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";

// The flags a user sets from the webmail; keywords come later with labels.
const SETTABLE = new Set(["\\Seen", "\\Flagged", "\\Answered"]);

interface FlagChange {
  folder: string;
  uids: number[];
  add: string[];
  remove: string[];
}

function parse(value: unknown): FlagChange | string {
  if (typeof value !== "object" || value === null) return "Expected { folder, uids, add, remove }.";
  const { folder, uids, add = [], remove = [] } = value as Record<string, unknown>;
  const path = folderParameter(typeof folder === "string" ? folder : null);
  if (path === null) return "folder must be a folder name.";
  if (!Array.isArray(uids) || uids.length === 0 || uids.length > 5000 || !uids.every((uid) => Number.isInteger(uid) && uid > 0 && uid <= 0xffffffff)) {
    return "uids must be a list of message UIDs.";
  }
  const flags = (list: unknown) => (Array.isArray(list) && list.every((flag) => typeof flag === "string" && SETTABLE.has(flag)) ? (list as string[]) : null);
  const added = flags(add);
  const removed = flags(remove);
  if (!added || !removed) return `add and remove may hold ${[...SETTABLE].join(", ")}.`;
  return { folder: path, uids: uids as number[], add: added, remove: removed };
}

export async function POST(request: Request) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const body = await readJsonBody(request, 64 * 1024);
  if (!body.ok) return jsonError(body.status, body.error);
  const change = parse(body.value);
  if (typeof change === "string") return jsonError(400, change);
  return withImapSession(async (session) => {
    await setFlags(session, change.folder, change.uids, change.add, change.remove);
    return NextResponse.json({ ok: true });
  });
}
