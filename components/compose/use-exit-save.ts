"use client";

// Closing the tab, leaving the page or switching away loses at most the last few seconds: the draft is
// saved when the page is hidden (visibilitychange, pagehide), by the same route and same-origin rules as
// every save, and a save without files goes with keepalive so it completes after the page is gone. The
// browser's "leave site?" question is asked only while a save is still on its way (an upload, or one
// started just before), since leaving then would lose it.
import { useEffect, useRef } from "react";

export function useExitSave(isDirty: () => boolean, isSaving: () => boolean, save: () => void): void {
  const latest = useRef({ isDirty, isSaving, save });
  useEffect(() => {
    latest.current = { isDirty, isSaving, save };
  });

  useEffect(() => {
    const saveNow = () => {
      const { isDirty: dirty, isSaving: saving, save: run } = latest.current;
      if (dirty() && !saving()) run();
    };
    const onVisibility = () => {
      if (document.visibilityState === "hidden") saveNow();
    };
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!latest.current.isSaving()) return;
      event.preventDefault();
      // Older browsers ask only when returnValue is set.
      event.returnValue = "";
    };
    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("pagehide", saveNow);
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      window.removeEventListener("pagehide", saveNow);
      window.removeEventListener("beforeunload", onBeforeUnload);
    };
  }, []);
}
