"use client";

// The keyboard's place in the list (j/k move it, x ticks its row, o opens it): a row index, marked on
// the row, whose open button takes the focus when the keyboard moved it there.
import { useEffect, type RefObject } from "react";

export interface ListCursor {
  index: number;
  /** True when the keyboard moved it: the row then takes the focus (a click has focused it already). */
  focus: boolean;
}

/** The cursor's row marker: a bar on its left edge. */
export const CURSOR_ROW = "shadow-[inset_3px_0_0_var(--color-indigo-500)]";

/** Focuses the cursor's row once it is rendered; `reveal` first scrolls a virtualised list to it. */
export function useFocusCursor(container: RefObject<HTMLElement | null>, cursor: ListCursor | null, reveal?: (index: number) => void) {
  useEffect(() => {
    if (!cursor?.focus) return;
    reveal?.(cursor.index);
    // A row scrolled into a virtual list renders a frame or two later.
    let frames = 0;
    let request = 0;
    const tryFocus = () => {
      const row = container.current?.querySelector<HTMLElement>(`[data-row-index="${cursor.index}"] [data-row-open]`);
      if (row) row.focus({ preventScroll: reveal !== undefined });
      else if (++frames < 10) request = requestAnimationFrame(tryFocus);
    };
    request = requestAnimationFrame(tryFocus);
    return () => cancelAnimationFrame(request);
  }, [container, cursor, reveal]);
}
