import { NextResponse } from "next/server";
import { applyBulkAction } from "@/lib/user-agent/mail/actions";
import { isBulkFlag, parseUidSet, uidBound, type BulkAction, type FlagChange } from "@/lib/user-agent/mail/uid-set";
import { readJsonBody } from "@/lib/web/json-body";
import { folderParameter, jsonError, withImapSession } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";

const MAX_UIDS = 100_000;

function uidSet(value: unknown): string | null {
  if (value === "all") return "all";
  return typeof value === "string" && value.length <= 100_000 && parseUidSet(value, MAX_UIDS) !== null ? value : null;
}

/** A bulk action from the browser (or an undo it got back from this route). */
function parse(value: unknown): BulkAction | string {
  if (typeof value !== "object" || value === null) return "Expected { folder, uids, flags, to }.";
  const body = value as Record<string, unknown>;
  const folder = folderParameter(typeof body.folder === "string" ? body.folder : null);
  if (folder === null) return "folder must be a folder name.";
  const uids = uidSet(body.uids);
  if (uids === null) return 'uids must be a UID set ("1:5,9") or "all".';
  const rawFlags = body.flags ?? [];
  if (!Array.isArray(rawFlags) || rawFlags.length > 8) return "flags must be a list.";
  const flags: FlagChange[] = [];
  for (const change of rawFlags) {
    if (typeof change !== "object" || change === null) return "Each flag change is { flag, add, uids }.";
    const { flag, add, uids: changeUids } = change as Record<string, unknown>;
    const set = uidSet(changeUids);
    if (!isBulkFlag(flag) || typeof add !== "boolean" || set === null) return "Each flag change is { flag, add, uids } with a flag the webmail sets.";
    flags.push({ flag, add, uids: set });
  }
  let to: string | undefined;
  if (body.to !== undefined) {
    const target = folderParameter(typeof body.to === "string" ? body.to : null);
    if (target === null) return "to must be a folder name.";
    to = target;
  }
  if (flags.length === 0 && to === undefined) return "Nothing to do: give flags or to.";
  const below = uidBound(body.below);
  if (below === null) return "below must be a UIDNEXT (a whole number from 1).";
  return { folder, uids, flags, to, below };
}

/** Flags and/or a move for many messages at once; answers with the action that undoes it. */
export async function POST(request: Request) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const body = await readJsonBody(request, 256 * 1024);
  if (!body.ok) return jsonError(body.status, body.error);
  const action = parse(body.value);
  if (typeof action === "string") return jsonError(400, action);
  return withImapSession(async (session) => NextResponse.json(await applyBulkAction(session, action), { headers: { "cache-control": "no-store" } }));
}
