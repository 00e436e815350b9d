"use client";

// The conversation view's list: threads a page at a time ("Show more" adds the next page), so a
// folder with thousands of conversations costs one THREAD on the server and 50 rows in the page.
import { useCallback, useEffect, useRef, useState } from "react";
import type { ThreadSummary } from "@/lib/user-agent/mail/types";
import { fetchThreads } from "./organise-api";

export const THREAD_PAGE = 50;

/** What names a thread in the list: its UIDs (a new message in it changes them, which re-collapses it). */
export function threadKey(thread: ThreadSummary): string {
  return thread.uids.join(",");
}

export interface ThreadList {
  threads: ThreadSummary[] | null;
  total: number | null;
  error: string | null;
  loading: boolean;
  more(): void;
  refresh(): void;
}

export function useThreadList(folder: string, enabled: boolean): ThreadList {
  const [threads, setThreads] = useState<ThreadSummary[] | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Which request the shown threads answer; another one in flight means "loading".
  const [answered, setAnswered] = useState("");
  const [generation, setGeneration] = useState(0);
  const [shown, setShown] = useState(THREAD_PAGE);
  const key = `${folder}\0${enabled}`;
  const [shownKey, setShownKey] = useState(key);
  if (shownKey !== key) {
    setShownKey(key);
    setThreads(null);
    setTotal(null);
    setError(null);
    setShown(THREAD_PAGE);
  }
  const latest = useRef(0);

  useEffect(() => {
    if (!enabled) return;
    const request = ++latest.current;
    // One request for everything shown: a refresh keeps the reader where they were.
    const load = async () => {
      const pages: ThreadSummary[] = [];
      let count = 0;
      for (let offset = 0; offset < shown; offset += 100) {
        const page = await fetchThreads(folder, offset, Math.min(100, shown - offset));
        pages.push(...page.threads);
        count = page.total;
        if (page.threads.length === 0) break;
      }
      return { pages, count };
    };
    const asked = `${folder}\0${shown}\0${generation}`;
    load()
      .then(({ pages, count }) => {
        if (request !== latest.current) return;
        setAnswered(asked);
        setThreads(pages);
        setTotal(count);
        setError(null);
      })
      .catch((failure: unknown) => {
        if (request !== latest.current) return;
        setAnswered(asked);
        setError(failure instanceof Error ? failure.message : String(failure));
      });
  }, [folder, enabled, shown, generation]);

  const more = useCallback(() => setShown((count) => count + THREAD_PAGE), []);
  const refresh = useCallback(() => setGeneration((g) => g + 1), []);
  const loading = enabled && answered !== `${folder}\0${shown}\0${generation}`;
  return { threads, total, error, loading, more, refresh };
}
