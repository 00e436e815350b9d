"use client";

// Create a folder, or rename it and/or move it under another parent; deleting starts here too.
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import type { FolderSummary } from "@/lib/user-agent/mail/types";
import { ConfirmDialog, Modal, buttonStyles } from "./modal";
import { createFolder, deleteFolder, renameFolder } from "./organise-api";

const FIELD =
  "min-h-11 w-full rounded-lg border border-slate-300 bg-white px-3 text-sm focus-visible:outline-2 focus-visible:outline-indigo-600 md:min-h-9 dark:border-slate-700 dark:bg-slate-950";

export type FolderDialogMode = { kind: "create"; parent: string } | { kind: "edit"; folder: FolderSummary };

/** Folders a folder may go under: all but itself and its own subfolders. */
function possibleParents(folders: FolderSummary[], editing: FolderSummary | null): FolderSummary[] {
  if (!editing) return folders;
  const byPath = new Map(folders.map((folder) => [folder.path, folder]));
  const inside = (folder: FolderSummary): boolean => {
    for (let at: FolderSummary | undefined = folder; at; at = byPath.get(at.parentPath)) if (at.path === editing.path) return true;
    return false;
  };
  return folders.filter((folder) => !inside(folder));
}

export function FolderDialog({ mode, folders, onDone, onClose }: { mode: FolderDialogMode; folders: FolderSummary[]; onDone: (path: string | null) => void; onClose: () => void }) {
  const t = useTranslations("FolderDialog");
  const common = useTranslations("Common");
  const editing = mode.kind === "edit" ? mode.folder : null;
  const [name, setName] = useState(editing?.name ?? "");
  const [parent, setParent] = useState(editing ? editing.parentPath : mode.kind === "create" ? mode.parent : "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    (editing ? renameFolder(editing.path, name, parent) : createFolder(parent, name))
      .then((result) => onDone(result.path))
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)))
      .finally(() => setBusy(false));
  };

  const remove = () => {
    if (!editing) return;
    setConfirmDelete(false);
    setBusy(true);
    deleteFolder(editing.path)
      .then(() => onDone(null))
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)))
      .finally(() => setBusy(false));
  };

  if (confirmDelete && editing) {
    return (
      <ConfirmDialog
        title={t("deleteTitle", { name: editing.name })}
        message={editing.messages === null ? t("deleteMessageUncounted") : t("deleteMessage", { count: editing.messages })}
        confirmLabel={t("delete")}
        onConfirm={remove}
        onCancel={() => setConfirmDelete(false)}
      />
    );
  }

  return (
    <Modal title={editing ? t("editTitle", { name: editing.name }) : t("newTitle")} onClose={onClose}>
      <form onSubmit={submit} className="flex flex-col gap-4">
        <label className="flex flex-col gap-1 text-sm font-medium">
          {t("name")}
          <input className={FIELD} value={name} onChange={(event) => setName(event.target.value)} required maxLength={200} autoFocus />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          {t("inside")}
          <select className={FIELD} value={parent} onChange={(event) => setParent(event.target.value)}>
            <option value="">{t("topLevel")}</option>
            {possibleParents(folders, editing).map((folder) => (
              <option key={folder.path} value={folder.path}>
                {"\u00a0\u00a0".repeat(folder.depth)}
                {folder.name}
              </option>
            ))}
          </select>
        </label>
        {error && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {error}
          </p>
        )}
        <div className="flex flex-wrap items-center gap-2">
          {editing && (
            <button type="button" className={`${buttonStyles.quiet} text-red-700 dark:text-red-400`} onClick={() => setConfirmDelete(true)} disabled={busy}>
              {t("delete")}
            </button>
          )}
          <span className="flex-1" />
          <button type="button" className={buttonStyles.quiet} onClick={onClose}>
            {common("cancel")}
          </button>
          <button type="submit" className={buttonStyles.primary} disabled={busy}>
            {editing ? t("save") : t("create")}
          </button>
        </div>
      </form>
    </Modal>
  );
}
