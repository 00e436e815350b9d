"use client";

import { FolderPlus, Pencil } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState, type DragEvent } from "react";
import type { FolderSummary } from "@/lib/user-agent/mail/types";
import { FolderIcon } from "./folder-icon";
import type { DraggedMessages } from "./list-pane";
import { DRAG_TYPE } from "./message-list";

function draggedMessages(event: DragEvent): DraggedMessages | null {
  try {
    const value: unknown = JSON.parse(event.dataTransfer.getData(DRAG_TYPE));
    if (typeof value !== "object" || value === null) return null;
    const { type, folder, uids, count } = value as Record<string, unknown>;
    return type === "messages" && typeof folder === "string" && typeof uids === "string" && typeof count === "number" ? { type, folder, uids, count } : null;
  } catch {
    return null;
  }
}

export function FolderList({
  folders,
  current,
  onOpen,
  onDropMessages,
  onEdit,
  onCreate,
}: {
  folders: FolderSummary[] | null;
  current: string;
  onOpen: (path: string) => void;
  /** Messages dragged from the list were dropped on a folder (desktop). */
  onDropMessages: (path: string, dragged: DraggedMessages) => void;
  onEdit: (folder: FolderSummary) => void;
  onCreate: () => void;
}) {
  const t = useTranslations("Folders");
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  if (folders === null) {
    return (
      <ul aria-hidden="true" className="space-y-1 p-2">
        {Array.from({ length: 6 }, (_, i) => (
          <li key={i} className="h-11 animate-pulse rounded-lg bg-slate-200/70 dark:bg-slate-800" />
        ))}
      </ul>
    );
  }
  return (
    <>
      <ul className="space-y-0.5 p-2">
        {folders.map((folder) => {
          const active = folder.path === current;
          const unseen = folder.unseen ?? 0;
          const accepts = folder.selectable && folder.path !== current;
          const editable = folder.specialUse === null;
          return (
            <li
              key={folder.path}
              className="group relative"
              onDragOver={(event) => {
                if (!accepts || !event.dataTransfer.types.includes(DRAG_TYPE)) return;
                event.preventDefault();
                event.dataTransfer.dropEffect = "move";
                setDropTarget(folder.path);
              }}
              onDragLeave={() => setDropTarget((target) => (target === folder.path ? null : target))}
              onDrop={(event) => {
                setDropTarget(null);
                const dragged = draggedMessages(event);
                if (!accepts || !dragged || dragged.folder === folder.path) return;
                event.preventDefault();
                onDropMessages(folder.path, dragged);
              }}
            >
              <button
                type="button"
                disabled={!folder.selectable}
                aria-current={active ? "page" : undefined}
                onClick={() => onOpen(folder.path)}
                style={{ paddingLeft: `${0.75 + folder.depth * 1}rem` }}
                className={`flex min-h-11 w-full items-center gap-3 rounded-lg text-left text-sm focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:opacity-50 ${editable ? "pr-12" : "pr-3"} ${
                  dropTarget === folder.path
                    ? "bg-indigo-200 ring-2 ring-indigo-500 dark:bg-indigo-900"
                    : active
                      ? "bg-indigo-100 font-semibold text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100"
                      : "hover:bg-slate-200/60 dark:hover:bg-slate-800"
                }`}
              >
                <FolderIcon specialUse={folder.specialUse} className="size-4 shrink-0" />
                <span className="min-w-0 flex-1 truncate">{folder.name}</span>
                {unseen > 0 && (
                  <span className="text-xs font-semibold tabular-nums" aria-label={t("unread", { count: unseen })}>
                    {unseen}
                  </span>
                )}
              </button>
              {editable && (
                <button
                  type="button"
                  aria-label={t("edit", { name: folder.name })}
                  title={t("editHint")}
                  onClick={() => onEdit(folder)}
                  className="absolute top-0 right-0 inline-flex size-11 items-center justify-center rounded-lg text-slate-500 hover:bg-slate-200 focus-visible:opacity-100 focus-visible:outline-2 focus-visible:outline-indigo-600 md:opacity-0 md:group-hover:opacity-100 dark:hover:bg-slate-800"
                >
                  <Pencil aria-hidden="true" className="size-3.5" />
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <div className="px-2 pb-3">
        <button
          type="button"
          onClick={onCreate}
          className="flex min-h-11 w-full items-center gap-3 rounded-lg px-3 text-left text-sm text-slate-700 hover:bg-slate-200/60 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-slate-300 dark:hover:bg-slate-800"
        >
          <FolderPlus aria-hidden="true" className="size-4 shrink-0" />
          {t("new")}
        </button>
      </div>
    </>
  );
}
