"use client";

import type { FolderSummary } from "@/lib/user-agent/mail/types";
import { FolderIcon } from "./folder-icon";

export function FolderList({ folders, current, onOpen }: { folders: FolderSummary[] | null; current: string; onOpen: (path: string) => void }) {
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
    <ul className="space-y-0.5 p-2">
      {folders.map((folder) => {
        const active = folder.path === current;
        const unseen = folder.unseen ?? 0;
        return (
          <li key={folder.path}>
            <button
              type="button"
              disabled={!folder.selectable}
              aria-current={active ? "page" : undefined}
              onClick={() => onOpen(folder.path)}
              style={{ paddingLeft: `${0.75 + folder.depth * 1}rem` }}
              className={`flex min-h-11 w-full items-center gap-3 rounded-lg pr-3 text-left text-sm focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:opacity-50 ${
                active ? "bg-indigo-100 font-semibold text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100" : "hover:bg-slate-200/60 dark:hover:bg-slate-800"
              }`}
            >
              <FolderIcon specialUse={folder.specialUse} className="size-4 shrink-0" />
              <span className="min-w-0 flex-1 truncate">{folder.name}</span>
              {unseen > 0 && (
                <span className="text-xs font-semibold tabular-nums" aria-label={`${unseen} unread`}>
                  {unseen}
                </span>
              )}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
