"use client";

// A small preference kept in localStorage (sort order, conversation view), the same in every tab: read
// through useSyncExternalStore so the server render uses the default and the browser its stored value.
import { useCallback, useSyncExternalStore } from "react";

const CHANGED = "webmail-preference";

function subscribe(onChange: () => void) {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function useStoredPreference<T extends string>(key: string, fallback: T, valid: (value: string) => value is T): [T, (value: T) => void] {
  const stored = useSyncExternalStore(
    subscribe,
    () => read(key),
    () => null,
  );
  const value = stored !== null && valid(stored) ? stored : fallback;
  const set = useCallback(
    (next: T) => {
      try {
        window.localStorage.setItem(key, next);
      } catch {
        // Private mode or storage full: the choice lasts until the page reloads... or not at all; harmless.
      }
      window.dispatchEvent(new Event(CHANGED));
    },
    [key],
  );
  return [value, set];
}
