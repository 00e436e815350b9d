"use client";

// The search box (focused with "/"). Its advanced form and the results that replace the list are
// loaded when first needed (advanced-search.tsx here, search-results.tsx from mail-app).
import { Search, SlidersHorizontal } from "lucide-react";
import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useState, type RefObject } from "react";
import type { FolderSummary } from "@/lib/user-agent/mail/types";
import type { SearchQuery } from "@/lib/user-agent/mail/search";

export type { SearchQuery };

const AdvancedSearch = dynamic(() => import("./advanced-search"), { ssr: false });

/** The search box; `input` lets the "/" shortcut focus it. */
export function SearchBar({
  input,
  folders,
  currentFolder,
  onSearch,
}: {
  input: RefObject<HTMLInputElement | null>;
  folders: FolderSummary[] | null;
  currentFolder: string;
  onSearch: (query: SearchQuery | null) => void;
}) {
  const t = useTranslations("Search");
  const [text, setText] = useState("");
  const [advanced, setAdvanced] = useState(false);

  return (
    <div className="relative min-w-0 flex-1 md:max-w-xl">
      <form
        role="search"
        aria-label={t("form")}
        onSubmit={(event) => {
          event.preventDefault();
          onSearch(text.trim() ? { text: text.trim(), folder: null } : null);
        }}
        className="flex items-center gap-1 rounded-lg bg-slate-100 pl-3 focus-within:outline-2 focus-within:outline-indigo-600 dark:bg-slate-800"
      >
        <Search aria-hidden="true" className="size-4 shrink-0 text-slate-500" />
        <input
          ref={input}
          type="search"
          aria-label={t("box")}
          placeholder={t("placeholder")}
          value={text}
          onChange={(event) => setText(event.target.value)}
          className="min-h-11 min-w-0 flex-1 bg-transparent px-2 text-sm outline-none"
        />
        <button type="button" aria-label={t("advanced")} title={t("advanced")} aria-expanded={advanced} onClick={() => setAdvanced((open) => !open)} className="inline-flex size-11 shrink-0 items-center justify-center rounded-lg hover:bg-slate-200 focus-visible:outline-offset-0 dark:hover:bg-slate-700">
          <SlidersHorizontal aria-hidden="true" className="size-4" />
        </button>
      </form>
      {advanced && <AdvancedSearch text={text} folders={folders} currentFolder={currentFolder} onSearch={onSearch} onClose={() => setAdvanced(false)} />}
    </div>
  );
}
