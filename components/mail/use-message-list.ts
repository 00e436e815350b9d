"use client";

// The open folder's list as the browser holds it: the total from the server and the pages fetched so
// far. A live update bumps the generation; pages of an older generation stay on screen until their
// refreshed copy arrives, so the list never blanks out when mail comes in.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { MessageSummary, SortOrder } from "@/lib/user-agent/mail/types";
import { fetchPage } from "./api";
import { useUserSettings } from "./user-settings";

interface LoadedPage {
  generation: number;
  rows: MessageSummary[];
}

export interface MessageList {
  total: number | null;
  /** The folder's UIDNEXT at the last page read: "select all" covers the messages below it. */
  uidNext: number | null;
  error: string | null;
  row(index: number): MessageSummary | undefined;
  /** Where a loaded message is in the list, or -1. */
  indexOf(uid: number): number;
  /** The rows fetched so far, in list order (what "select all on this page" ticks). */
  loaded: MessageSummary[];
  /** Fetches the pages covering rows first..last unless current ones are there or on their way. */
  ensureRows(first: number, last: number): void;
  /** Everything on screen is fetched again (new mail, expunge, reconnect). */
  refresh(): void;
  updateRow(uid: number, patch: Partial<MessageSummary>): void;
  generation: number;
}

export function useMessageList(folder: string, sort: SortOrder): MessageList {
  const pageSize = useUserSettings().pageSize;
  const listKey = `${folder}\0${sort}`;
  const [shownKey, setShownKey] = useState(listKey);
  const [total, setTotal] = useState<number | null>(null);
  const [uidNext, setUidNext] = useState<number | null>(null);
  const [pages, setPages] = useState<Map<number, LoadedPage>>(() => new Map());
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  // Pages asked for: "list key, page index" → the generation asked for.
  const inFlight = useRef(new Map<string, number>());
  const listKeyRef = useRef(listKey);
  useEffect(() => {
    listKeyRef.current = listKey;
  }, [listKey]);

  // Another folder or order: start empty (React's "adjust state while rendering" pattern, no effect).
  if (shownKey !== listKey) {
    setShownKey(listKey);
    setPages(new Map());
    setTotal(null);
    setUidNext(null);
    setError(null);
    setGeneration((g) => g + 1);
  }

  const loadPage = useCallback(
    (index: number) => {
      const flightKey = `${listKey}\0${index}`;
      if (inFlight.current.get(flightKey) === generation) return;
      inFlight.current.set(flightKey, generation);
      fetchPage(folder, sort, index * pageSize, pageSize)
        .then((page) => {
          if (listKeyRef.current !== listKey) return;
          setError(null);
          setTotal(page.total);
          setUidNext(page.uidNext);
          setPages((previous) => {
            const existing = previous.get(index);
            if (existing && existing.generation > generation) return previous;
            const next = new Map(previous);
            next.set(index, { generation, rows: page.messages });
            return next;
          });
        })
        .catch((failure: unknown) => {
          if (inFlight.current.get(flightKey) === generation) inFlight.current.delete(flightKey);
          if (listKeyRef.current !== listKey) return;
          setError(failure instanceof Error ? failure.message : String(failure));
        });
    },
    [folder, sort, listKey, generation, pageSize],
  );

  const ensureRows = useCallback(
    (first: number, last: number) => {
      const from = Math.floor(Math.max(0, first) / pageSize);
      const to = Math.floor(Math.max(0, last) / pageSize);
      for (let index = from; index <= to; index++) {
        const page = pages.get(index);
        if (!page || page.generation < generation) loadPage(index);
      }
    },
    [pages, generation, loadPage, pageSize],
  );

  const refresh = useCallback(() => setGeneration((g) => g + 1), []);

  const row = useCallback((index: number) => pages.get(Math.floor(index / pageSize))?.rows[index % pageSize], [pages, pageSize]);
  const indexOf = useCallback(
    (uid: number) => {
      for (const [index, page] of pages) {
        const at = page.rows.findIndex((r) => r.uid === uid);
        if (at !== -1) return index * pageSize + at;
      }
      return -1;
    },
    [pages, pageSize],
  );
  const loaded = useMemo(() => [...pages.entries()].sort(([a], [b]) => a - b).flatMap(([, page]) => page.rows), [pages]);

  const updateRow = useCallback((uid: number, patch: Partial<MessageSummary>) => {
    setPages((previous) => {
      let changed = false;
      const next = new Map(previous);
      for (const [index, page] of previous) {
        const at = page.rows.findIndex((r) => r.uid === uid);
        if (at === -1) continue;
        const rows = page.rows.slice();
        rows[at] = { ...rows[at], ...patch };
        next.set(index, { ...page, rows });
        changed = true;
      }
      return changed ? next : previous;
    });
  }, []);

  return { total, uidNext, error, row, indexOf, loaded, ensureRows, refresh, updateRow, generation };
}
