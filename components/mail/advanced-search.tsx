"use client";

// The search box's advanced form (from, to, subject, words, dates, folder…); loaded when first opened
// (next/dynamic in search.tsx).
import { useTranslations } from "next-intl";
import type { FolderSummary } from "@/lib/user-agent/mail/types";
import type { SearchQuery } from "@/lib/user-agent/mail/search";

const FIELD = "min-h-11 w-full rounded-lg border border-slate-300 bg-white px-3 text-sm dark:border-slate-700 dark:bg-slate-900";

/** `text` is what the search box holds: the advanced search narrows it. */
export default function AdvancedSearch({
  text,
  folders,
  currentFolder,
  onSearch,
  onClose,
}: {
  text: string;
  folders: FolderSummary[] | null;
  currentFolder: string;
  onSearch: (query: SearchQuery) => void;
  onClose: () => void;
}) {
  const t = useTranslations("Search");
  const common = useTranslations("Common");

  const submit = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? "").trim() || undefined;
    const folder = value("folder");
    onSearch({
      text: text.trim() || undefined,
      from: value("from"),
      to: value("to"),
      subject: value("subject"),
      words: value("words"),
      since: value("since"),
      until: value("until"),
      hasAttachment: data.get("attachment") === "on",
      unread: data.get("unread") === "on",
      folder: folder === undefined || folder === "*" ? null : folder,
    });
    onClose();
  };

  return (
    <form
      aria-label={t("advanced")}
      onSubmit={(event) => {
        event.preventDefault();
        submit(event.currentTarget);
      }}
      className="absolute top-full right-0 left-0 z-20 mt-1 grid grid-cols-2 gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-lg dark:border-slate-700 dark:bg-slate-900"
    >
      {(["from", "to", "subject", "words"] as const).map((name) => (
        <label key={name} className="col-span-2 flex flex-col gap-1 text-sm">
          {t(name)}
          <input name={name} className={FIELD} />
        </label>
      ))}
      <label className="flex flex-col gap-1 text-sm">
        {t("since")}
        <input type="date" name="since" className={FIELD} />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        {t("until")}
        <input type="date" name="until" className={FIELD} />
      </label>
      <label className="col-span-2 flex flex-col gap-1 text-sm">
        {t("in")}
        <select name="folder" defaultValue="*" className={FIELD}>
          <option value="*">{t("allFolders")}</option>
          {(folders ?? [{ path: currentFolder, name: currentFolder, selectable: true }])
            .filter((folder) => folder.selectable)
            .map((folder) => (
              <option key={folder.path} value={folder.path}>
                {folder.name}
              </option>
            ))}
        </select>
      </label>
      <label className="flex min-h-11 items-center gap-2 text-sm">
        <input type="checkbox" name="attachment" className="size-4" /> {t("hasAttachment")}
      </label>
      <label className="flex min-h-11 items-center gap-2 text-sm">
        <input type="checkbox" name="unread" className="size-4" /> {t("unread")}
      </label>
      <div className="col-span-2 flex justify-end gap-2">
        <button type="button" onClick={onClose} className="min-h-11 rounded-lg px-4 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
          {common("cancel")}
        </button>
        <button type="submit" className="min-h-11 rounded-lg bg-blue-600 px-4 text-sm font-medium text-white hover:bg-blue-700">
          {t("submit")}
        </button>
      </div>
    </form>
  );
}
