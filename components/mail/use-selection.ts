"use client";

// The list's multi-select: ticked rows (by UID, so it survives re-sorting pages), a shift-click range
// from the last ticked row, and "the whole folder" for actions on more rows than are loaded.
import { useCallback, useState } from "react";

export interface Selection {
  uids: ReadonlySet<number>;
  /** Every message of the folder, loaded or not. */
  all: boolean;
  /** Row index of the last click, where a shift-click range starts. */
  anchor: number | null;
}

const EMPTY: Selection = { uids: new Set(), all: false, anchor: null };

export function useSelection(resetKey: string) {
  const [selection, setSelection] = useState<Selection>(EMPTY);
  const [key, setKey] = useState(resetKey);
  // Another folder, order or view: nothing is ticked there (adjusting state while rendering, no effect).
  if (key !== resetKey) {
    setKey(resetKey);
    setSelection(EMPTY);
  }

  /** Ticks or unticks row `index` (its UIDs); with shift, every row from the anchor to it alike. */
  const toggle = useCallback((index: number, uids: number[], shift: boolean, uidsAt: (index: number) => number[] | undefined) => {
    setSelection((previous) => {
      const next = new Set(previous.uids);
      const on = !uids.every((uid) => previous.uids.has(uid));
      const from = shift && previous.anchor !== null ? Math.min(previous.anchor, index) : index;
      const to = shift && previous.anchor !== null ? Math.max(previous.anchor, index) : index;
      for (let at = from; at <= to; at++) {
        for (const uid of at === index ? uids : (uidsAt(at) ?? [])) {
          if (on) next.add(uid);
          else next.delete(uid);
        }
      }
      return { uids: next, all: false, anchor: index };
    });
  }, []);

  const setRows = useCallback((uids: number[]) => setSelection({ uids: new Set(uids), all: false, anchor: null }), []);
  const selectFolder = useCallback(() => setSelection((previous) => ({ ...previous, all: true })), []);
  const clear = useCallback(() => setSelection(EMPTY), []);

  return { selection, toggle, setRows, selectFolder, clear };
}
