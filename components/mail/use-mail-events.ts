"use client";

import { useEffect, useRef } from "react";
import type { MailboxChangeEvent } from "@/lib/user-agent/mail/types";

/** Listens to the open folder's live changes; EventSource reconnects by itself after a drop. */
export function useMailEvents(folder: string, onChange: (event: MailboxChangeEvent) => void) {
  const handler = useRef(onChange);
  useEffect(() => {
    handler.current = onChange;
  });
  useEffect(() => {
    const source = new EventSource(`/api/mail/events?${new URLSearchParams({ folder })}`);
    let opened = false;
    source.addEventListener("ready", () => {
      // After a reconnect, whatever happened in between was not seen: ask for a fresh list.
      if (opened) handler.current({ type: "resync", folder });
      opened = true;
    });
    source.addEventListener("change", (message) => {
      try {
        handler.current(JSON.parse((message as MessageEvent<string>).data) as MailboxChangeEvent);
      } catch {
        // A malformed event is skipped; the next one or a resync brings the list up to date.
      }
    });
    return () => source.close();
  }, [folder]);
}
