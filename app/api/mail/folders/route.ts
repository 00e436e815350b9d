import { NextResponse } from "next/server";
import { getTranslations } from "next-intl/server";
import { createFolder, deleteFolder, FolderEditError, renameFolder } from "@/lib/user-agent/mail/folder-edit";
import { listFolders } from "@/lib/user-agent/mail/folders";
import { readJsonBody } from "@/lib/web/json-body";
import { folderParameter, jsonError, withImapSession } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";

export async function GET() {
  return withImapSession(async (session) => NextResponse.json({ folders: await listFolders(session) }, { headers: { "cache-control": "no-store" } }));
}

type Fields = Record<string, unknown>;

/** The JSON body of a state-changing folder request, or the response that refuses it. */
async function readBody(request: Request): Promise<Fields | Response> {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const body = await readJsonBody(request, 16 * 1024);
  if (!body.ok) return jsonError(body.status, body.error);
  return typeof body.value === "object" && body.value !== null ? (body.value as Fields) : {};
}

function text(fields: Fields, key: string): string | null {
  const value = fields[key];
  return typeof value === "string" ? value : null;
}

/** A parent folder: "" for the top level, else a folder name. */
function parentOf(fields: Fields): string | null {
  const parent = text(fields, "parent") ?? "";
  return parent === "" ? "" : folderParameter(parent);
}

async function edit(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof FolderEditError) return jsonError(409, (await getTranslations("Errors.folder"))(error.problem, error.values));
    throw error;
  }
}

/** Creates a folder: { parent, name }. */
export async function POST(request: Request) {
  const fields = await readBody(request);
  if (fields instanceof Response) return fields;
  const name = text(fields, "name");
  const parent = parentOf(fields);
  if (name === null || parent === null) return jsonError(400, "Expected { parent, name }.");
  return withImapSession((session) => edit(async () => NextResponse.json({ path: await createFolder(session, parent, name) })));
}

/** Renames and/or moves a folder: { path, name, parent }. */
export async function PATCH(request: Request) {
  const fields = await readBody(request);
  if (fields instanceof Response) return fields;
  const path = folderParameter(text(fields, "path"));
  const name = text(fields, "name");
  const parent = parentOf(fields);
  if (path === null || name === null || parent === null) return jsonError(400, "Expected { path, name, parent }.");
  return withImapSession((session) => edit(async () => NextResponse.json({ path: await renameFolder(session, path, name, parent) })));
}

/** Deletes a folder and the messages in it: { path }. */
export async function DELETE(request: Request) {
  const fields = await readBody(request);
  if (fields instanceof Response) return fields;
  const path = folderParameter(text(fields, "path"));
  if (path === null) return jsonError(400, "Expected { path }.");
  return withImapSession((session) =>
    edit(async () => {
      await deleteFolder(session, path);
      return NextResponse.json({ ok: true });
    }),
  );
}
