"use client";

// Above the list: with nothing ticked, the sort order, the conversation switch and "Empty Trash/Junk";
// with rows ticked, what can be done to them.
import { Archive, Mail, MailOpen, MessagesSquare, ShieldAlert, ShieldCheck, Star, StarOff, Trash2, X, type LucideIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import type { FolderSummary, SortOrder } from "@/lib/user-agent/mail/types";
import type { BulkKind } from "./use-mail-actions";

/** The orders the sort menu offers (the server also knows "arrival-desc", which it does not). */
const MENU_SORTS: SortOrder[] = ["date-desc", "date-asc", "from-asc", "from-desc", "subject-asc", "subject-desc", "size-desc", "size-asc"];

export function isListSort(value: string): value is SortOrder {
  return value === "arrival-desc" || MENU_SORTS.some((order) => order === value);
}

const ICON_BUTTON =
  "inline-flex size-11 shrink-0 items-center justify-center rounded-lg text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:opacity-40 md:size-9 dark:text-slate-200 dark:hover:bg-slate-800";
const SELECT =
  "min-h-11 max-w-40 rounded-lg border border-slate-300 bg-white px-2 text-sm focus-visible:outline-2 focus-visible:outline-indigo-600 md:min-h-9 dark:border-slate-700 dark:bg-slate-950";

function ActionButton({ label, icon: Icon, onClick }: { label: string; icon: LucideIcon; onClick: () => void }) {
  return (
    <button type="button" aria-label={label} title={label} onClick={onClick} className={ICON_BUTTON}>
      <Icon aria-hidden="true" className="size-4" />
    </button>
  );
}

export interface ToolbarProps {
  folder: FolderSummary | null;
  folders: FolderSummary[];
  /** Ticked rows (or the whole folder); 0 shows the view controls instead of the actions. */
  selectedCount: number;
  pageState: "none" | "some" | "all";
  onTickPage: () => void;
  onClear: () => void;
  onAction: (kind: BulkKind) => void;
  onMove: (path: string) => void;
  sort: SortOrder;
  onSort: (sort: SortOrder) => void;
  threaded: boolean;
  onThreaded: (on: boolean) => void;
  onEmpty: () => void;
}

export function ListToolbar(props: ToolbarProps) {
  const t = useTranslations("List");
  const { folder, selectedCount, pageState } = props;
  const use = folder?.specialUse ?? null;
  return (
    <div role="toolbar" aria-label={t("actions")} className="flex min-h-12 shrink-0 flex-wrap items-center gap-1 border-b border-slate-100 px-1 py-1 dark:border-slate-800">
      <label className="flex w-11 shrink-0 cursor-pointer items-center justify-center self-stretch">
        <input
          type="checkbox"
          aria-label={t("selectPage")}
          checked={pageState === "all"}
          ref={(element) => {
            if (element) element.indeterminate = pageState === "some";
          }}
          onChange={() => (pageState === "none" ? props.onTickPage() : props.onClear())}
          className="size-4 cursor-pointer accent-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 max-md:size-5"
        />
      </label>
      {selectedCount > 0 ? (
        <>
          <span className="mr-1 text-sm whitespace-nowrap tabular-nums text-slate-600 dark:text-slate-400">{t("selected", { count: selectedCount })}</span>
          <ActionButton label={t("markRead")} icon={MailOpen} onClick={() => props.onAction("read")} />
          <ActionButton label={t("markUnread")} icon={Mail} onClick={() => props.onAction("unread")} />
          <ActionButton label={t("flag")} icon={Star} onClick={() => props.onAction("flag")} />
          <ActionButton label={t("unflag")} icon={StarOff} onClick={() => props.onAction("unflag")} />
          {use !== "archive" && <ActionButton label={t("archive")} icon={Archive} onClick={() => props.onAction("archive")} />}
          <ActionButton label={use === "trash" ? t("deleteForGood") : t("delete")} icon={Trash2} onClick={() => props.onAction("delete")} />
          {use === "junk" ? (
            <ActionButton label={t("notSpam")} icon={ShieldCheck} onClick={() => props.onAction("not-spam")} />
          ) : (
            <ActionButton label={t("reportSpam")} icon={ShieldAlert} onClick={() => props.onAction("spam")} />
          )}
          <select
            aria-label={t("moveTo")}
            value=""
            onChange={(event) => event.target.value && props.onMove(event.target.value)}
            className={SELECT}
          >
            <option value="">{t("movePlaceholder")}</option>
            {props.folders
              .filter((target) => target.selectable && target.path !== folder?.path)
              .map((target) => (
                <option key={target.path} value={target.path}>
                  {"\u00a0\u00a0".repeat(target.depth)}
                  {target.name}
                </option>
              ))}
          </select>
          <ActionButton label={t("clearSelection")} icon={X} onClick={props.onClear} />
        </>
      ) : (
        <>
          {!props.threaded && (
            <select aria-label={t("sortBy")} value={props.sort} onChange={(event) => isListSort(event.target.value) && props.onSort(event.target.value)} className={SELECT}>
              {MENU_SORTS.map((order) => (
                <option key={order} value={order}>
                  {t(`sort.${order}`)}
                </option>
              ))}
            </select>
          )}
          <button
            type="button"
            aria-pressed={props.threaded}
            onClick={() => props.onThreaded(!props.threaded)}
            title={t("conversationView")}
            className={`${ICON_BUTTON} w-auto gap-1.5 px-2 text-sm md:w-auto ${props.threaded ? "bg-indigo-100 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100" : ""}`}
          >
            <MessagesSquare aria-hidden="true" className="size-4" />
            <span>{t("conversations")}</span>
          </button>
          <span className="flex-1" />
          {(use === "trash" || use === "junk") && (folder?.messages ?? 0) > 0 && (
            <button type="button" onClick={props.onEmpty} className="min-h-11 rounded-lg px-3 text-sm font-medium text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-indigo-600 md:min-h-9 dark:text-red-400 dark:hover:bg-red-950">
              {t("empty", { folder: folder?.name ?? "" })}
            </button>
          )}
        </>
      )}
    </div>
  );
}
