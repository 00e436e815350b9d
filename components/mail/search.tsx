"use client";

// The search box (focused with "/"), its advanced form, and the paged results that replace the list.
import { Search, SlidersHorizontal, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import type { FolderSummary } from "@/lib/user-agent/mail/types";
import type { SearchHit, SearchPage, SearchQuery } from "@/lib/user-agent/mail/search";
import { ApiError } from "./api";
import { useMailFormat } from "./format";

export type { SearchQuery };

const PAGE = 50;

function queryString(query: SearchQuery, offset: number): string {
  const params = new URLSearchParams({ offset: String(offset), limit: String(PAGE) });
  const set = (name: string, value: string | undefined) => {
    if (value) params.set(name, value);
  };
  set("q", query.text);
  set("from", query.from);
  set("to", query.to);
  set("subject", query.subject);
  set("words", query.words);
  set("since", query.since);
  set("until", query.until);
  if (query.hasAttachment) params.set("attachment", "1");
  if (query.unread) params.set("unread", "1");
  if (query.folder !== null) params.set("folder", query.folder);
  return params.toString();
}

async function fetchSearch(query: SearchQuery, offset: number, signal: AbortSignal): Promise<SearchPage> {
  const response = await fetch(`/api/mail/search?${queryString(query, offset)}`, { signal, cache: "no-store" });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const words = typeof body === "object" && body !== null && "error" in body && typeof body.error === "string" ? body.error : `HTTP ${response.status}`;
    throw new ApiError(response.status, words);
  }
  return body as SearchPage;
}

const FIELD = "min-h-11 w-full rounded-lg border border-slate-300 bg-white px-3 text-sm dark:border-slate-700 dark:bg-slate-900";

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
  const common = useTranslations("Common");
  const [text, setText] = useState("");
  const [advanced, setAdvanced] = useState(false);

  const submitAdvanced = (form: HTMLFormElement) => {
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
    setAdvanced(false);
  };

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
      {advanced && (
        <form
          aria-label={t("advanced")}
          onSubmit={(event) => {
            event.preventDefault();
            submitAdvanced(event.currentTarget);
          }}
          className="absolute top-full right-0 left-0 z-20 mt-1 grid grid-cols-2 gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          {(
            [
              "from",
              "to",
              "subject",
              "words",
            ] as const
          ).map((name) => (
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
            <button type="button" onClick={() => setAdvanced(false)} className="min-h-11 rounded-lg px-4 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
              {common("cancel")}
            </button>
            <button type="submit" className="min-h-11 rounded-lg bg-blue-600 px-4 text-sm font-medium text-white hover:bg-blue-700">
              {t("submit")}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

export function SearchResults({ query, selected, onOpen, onClose }: { query: SearchQuery; selected: { folder: string; uid: number } | null; onOpen: (hit: SearchHit) => void; onClose: () => void }) {
  const t = useTranslations("Search");
  const format = useMailFormat();
  const [state, setState] = useState<{ hits: SearchHit[]; total: number | null; error: string | null; loading: boolean }>({ hits: [], total: null, error: null, loading: true });
  const abort = useRef<AbortController | null>(null);

  const load = useCallback(
    (offset: number) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      fetchSearch(query, offset, controller.signal)
        .then((page) => setState((current) => ({ hits: offset === 0 ? page.hits : [...current.hits, ...page.hits], total: page.total, error: null, loading: false })))
        .catch((failure: unknown) => {
          if (!controller.signal.aborted) setState((current) => ({ ...current, error: failure instanceof Error ? failure.message : String(failure), loading: false }));
        });
    },
    [query],
  );

  useEffect(() => {
    load(0);
    return () => abort.current?.abort();
  }, [load]);

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex h-12 shrink-0 items-center gap-2 border-b border-slate-100 px-4 dark:border-slate-800">
        <h2 className="flex-1 truncate font-semibold">
          {t("results")} {state.total !== null && <span className="text-sm font-normal text-slate-500 tabular-nums">{state.total}</span>}
        </h2>
        <button type="button" onClick={onClose} aria-label={t("close")} title={t("close")} className="inline-flex size-11 items-center justify-center rounded-lg hover:bg-slate-100 dark:hover:bg-slate-800">
          <X aria-hidden="true" className="size-4" />
        </button>
      </div>
      {state.error && (
        <p role="alert" className="p-4 text-sm text-red-700 dark:text-red-400">
          {state.error}
        </p>
      )}
      {!state.error && state.total === 0 && !state.loading && <p className="p-6 text-center text-sm text-slate-500">{t("none")}</p>}
      <ul aria-label={t("results")} className="min-h-0 flex-1 overflow-y-auto">
        {state.hits.map((hit) => {
          const active = selected?.folder === hit.folder && selected.uid === hit.uid;
          return (
            <li key={`${hit.folder}\0${hit.uid}`}>
              <button
                type="button"
                onClick={() => onOpen(hit)}
                aria-current={active ? "true" : undefined}
                className={`flex min-h-16 w-full flex-col gap-0.5 border-b border-slate-100 px-4 py-2 text-left text-sm dark:border-slate-800 ${active ? "bg-blue-50 dark:bg-blue-950/40" : "hover:bg-slate-50 dark:hover:bg-slate-900"}`}
              >
                <span className="flex gap-2">
                  <span className={`min-w-0 flex-1 truncate ${hit.seen ? "" : "font-semibold"}`}>{format.sender(hit.from)}</span>
                  <span className="shrink-0 text-xs text-slate-500">{format.listDate(hit.date)}</span>
                </span>
                <span className="truncate">{format.subject(hit.subject)}</span>
                <span className="truncate text-xs text-slate-500">
                  {hit.folder} · {hit.snippet}
                </span>
              </button>
            </li>
          );
        })}
        {state.loading && <li aria-hidden="true" className="m-4 h-12 animate-pulse rounded bg-slate-100 dark:bg-slate-900" />}
        {!state.loading && state.total !== null && state.hits.length < state.total && (
          <li className="p-2 text-center">
            <button
              type="button"
              onClick={() => {
                setState((current) => ({ ...current, loading: true }));
                load(state.hits.length);
              }} className="min-h-11 rounded-lg px-4 text-sm font-medium hover:bg-slate-100 dark:hover:bg-slate-800">
              {t("more")}
            </button>
          </li>
        )}
      </ul>
    </div>
  );
}
