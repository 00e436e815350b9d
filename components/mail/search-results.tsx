"use client";

// The paged results of a search, in place of the list; loaded with the first search (next/dynamic in mail-app).
import { X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import type { SearchHit, SearchPage, SearchQuery } from "@/lib/user-agent/mail/search";
import { ApiError } from "./api";
import { useMailFormat } from "./format";

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

export default function SearchResults({ query, selected, onOpen, onClose }: { query: SearchQuery; selected: { folder: string; uid: number } | null; onOpen: (hit: SearchHit) => void; onClose: () => void }) {
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
