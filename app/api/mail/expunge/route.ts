import { NextResponse } from "next/server";
import { deleteForGood } from "@/lib/user-agent/mail/actions";
import { specialUseOf } from "@/lib/user-agent/mail/folder-edit";
import { parseUidSet, uidBound } from "@/lib/user-agent/mail/uid-set";
import { readJsonBody } from "@/lib/web/json-body";
import { folderParameter, jsonError, withImapSession } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";

/**
 * Deletes messages for good: { folder, uids } in Trash or Junk (elsewhere "delete" moves to Trash), or
 * { folder, uids: "all" } to empty Trash or Junk ({ …, below: UIDNEXT } for what the list showed). The page asks for confirmation first; there is no undo.
 */
export async function POST(request: Request) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const body = await readJsonBody(request, 256 * 1024);
  if (!body.ok) return jsonError(body.status, body.error);
  const value = (typeof body.value === "object" && body.value !== null ? body.value : {}) as Record<string, unknown>;
  const folder = folderParameter(typeof value.folder === "string" ? value.folder : null);
  if (folder === null) return jsonError(400, "folder must be a folder name.");
  const uids = value.uids;
  if (uids !== "all" && (typeof uids !== "string" || uids.length > 100_000 || parseUidSet(uids, 100_000) === null)) {
    return jsonError(400, 'uids must be a UID set ("1:5,9") or "all".');
  }
  const below = uidBound(value.below);
  if (below === null) return jsonError(400, "below must be a UIDNEXT (a whole number from 1).");
  return withImapSession(async (session) => {
    const use = await specialUseOf(session, folder);
    if (use !== "\\Trash" && use !== "\\Junk") return jsonError(409, "Only messages in Trash or Junk are deleted for good; elsewhere they go to Trash.");
    await deleteForGood(session, folder, uids, below);
    return NextResponse.json({ ok: true });
  });
}
