"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { Paperclip, Reply, Star } from "lucide-react";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, type DragEvent } from "react";
import type { MessageSummary } from "@/lib/user-agent/mail/types";
import { useMailFormat } from "./format";
import { CURSOR_ROW, useFocusCursor, type ListCursor } from "./list-cursor";
import type { MessageList as MessageListState } from "./use-message-list";
import { rowHeight, useUserSettings } from "./user-settings";


function SkeletonRow() {
  return (
    <div aria-hidden="true" className="flex h-full flex-col justify-center gap-2 border-b border-slate-100 px-4 dark:border-slate-800/60">
      <div className="h-3.5 w-1/3 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-3.5 w-2/3 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
    </div>
  );
}

/** The conversation list while it loads (thread-list.tsx, and list-pane while that file loads). */
export function ThreadsSkeleton() {
  return (
    <div aria-busy="true" className="space-y-3 p-4">
      {Array.from({ length: 6 }, (_, i) => (
        <div key={i} className="h-12 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      ))}
    </div>
  );
}

/** What a dragged row carries to a folder: the messages of one folder, as a UID set or "all". */
export const DRAG_TYPE = "application/x-webmail-messages";

export interface RowSelection {
  checked: boolean;
  onToggle: (shift: boolean) => void;
  onDragStart: (event: DragEvent<HTMLElement>) => void;
}

function Row({ message, selected, cursor, onOpen, selection }: { message: MessageSummary; selected: boolean; cursor: boolean; onOpen: (uid: number) => void; selection: RowSelection }) {
  const t = useTranslations("List");
  const format = useMailFormat();
  const sender = format.sender(message.from);
  const subject = format.subject(message.subject);
  return (
    <div
      draggable
      onDragStart={selection.onDragStart}
      className={`group flex h-full border-b border-slate-100 dark:border-slate-800/60 ${cursor ? CURSOR_ROW : ""} ${
        selection.checked ? "bg-indigo-50/70 dark:bg-indigo-950/40" : selected ? "bg-indigo-50 dark:bg-indigo-950/60" : "hover:bg-slate-50 dark:hover:bg-slate-900"
      }`}
    >
      <label className="flex w-11 shrink-0 cursor-pointer items-center justify-center self-stretch">
        <input
          type="checkbox"
          aria-label={t("selectRow", { sender, subject })}
          checked={selection.checked}
          onClick={(event) => selection.onToggle(event.shiftKey)}
          onChange={() => undefined}
          className="size-4 cursor-pointer accent-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 max-md:size-5"
        />
      </label>
      <button
        type="button"
        data-uid={message.uid}
        data-row-open
        aria-current={selected ? "true" : undefined}
        aria-label={t("row", { unread: String(!message.seen), flagged: String(message.flagged), answered: String(message.answered), sender, subject })}
        onClick={() => onOpen(message.uid)}
        className="flex h-full min-w-0 flex-1 flex-col justify-center gap-0.5 pr-4 text-left focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600"
      >
        <span className="flex w-full items-center gap-2">
          {!message.seen && <span aria-hidden="true" className="size-2 shrink-0 rounded-full bg-indigo-600 dark:bg-indigo-400" />}
          <span className={`min-w-0 flex-1 truncate text-sm ${message.seen ? "text-slate-700 dark:text-slate-300" : "font-semibold"}`}>{sender}</span>
          {message.answered && <Reply aria-label={t("answered")} className="size-3.5 shrink-0 text-slate-500" />}
          {message.hasAttachments && <Paperclip aria-label={t("hasAttachments")} className="size-3.5 shrink-0 text-slate-500" />}
          {message.flagged && <Star aria-label={t("flagged")} className="size-3.5 shrink-0 fill-amber-400 text-amber-500" />}
          <time dateTime={message.date ?? undefined} className="shrink-0 text-xs text-slate-500 tabular-nums dark:text-slate-400">
            {format.listDate(message.date)}
          </time>
        </span>
        <span className="flex w-full items-center gap-2">
          <span className="min-w-0 flex-1 truncate text-sm">
            <span className={message.seen ? "text-slate-600 dark:text-slate-400" : "font-medium"}>{subject}</span>
            {message.snippet && <span className="text-slate-500 dark:text-slate-400"> — {message.snippet}</span>}
          </span>
          <span className="shrink-0 text-xs text-slate-400 tabular-nums">{format.size(message.size)}</span>
        </span>
      </button>
    </div>
  );
}

export function MessageList({
  list,
  selectedUid,
  cursor,
  onOpen,
  rowSelection,
}: {
  list: MessageListState;
  selectedUid: number | null;
  cursor: ListCursor | null;
  onOpen: (index: number, uid: number) => void;
  /** Checkbox and drag behaviour of the row at an index. */
  rowSelection: (index: number, message: MessageSummary) => RowSelection;
}) {
  const t = useTranslations("List");
  const scroller = useRef<HTMLDivElement>(null);
  const count = list.total ?? 0;
  const height = rowHeight(useUserSettings().density);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer's functions are not memoised, which is fine here
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => height, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  const { ensureRows, total, generation } = list;
  const reveal = useCallback((index: number) => virtualizer.scrollToIndex(index), [virtualizer]);
  useFocusCursor(scroller, cursor, reveal);

  useEffect(() => {
    // Until the first page tells the total, ask for it; an empty folder asks again at each
    // refresh (new mail), or a message arriving in it would show only after a reload.
    if (total === null || total === 0) ensureRows(0, 0);
    else ensureRows(first, last);
  }, [ensureRows, total, first, last, generation]);

  if (list.total === null) {
    return (
      <div className="h-full overflow-hidden" aria-busy="true">
        {list.error ? (
          <p role="alert" className="p-4 text-sm text-red-700 dark:text-red-400">
            {list.error}
          </p>
        ) : (
          Array.from({ length: 8 }, (_, i) => (
            <div key={i} style={{ height }}>
              <SkeletonRow />
            </div>
          ))
        )}
      </div>
    );
  }
  if (list.total === 0) {
    return <p className="p-6 text-center text-sm text-slate-500 dark:text-slate-400">{t("noMessages")}</p>;
  }
  return (
    <div ref={scroller} className="h-full overflow-y-auto overscroll-contain" data-testid="message-scroller">
      <div role="list" aria-label={t("messages")} style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {items.map((item) => {
          const message = list.row(item.index);
          return (
            <div key={item.key} role="listitem" data-row-index={item.index} style={{ position: "absolute", top: 0, left: 0, right: 0, height, transform: `translateY(${item.start}px)` }}>
              {message ? (
                <Row message={message} selected={message.uid === selectedUid} cursor={cursor?.index === item.index} onOpen={(uid) => onOpen(item.index, uid)} selection={rowSelection(item.index, message)} />
              ) : (
                <SkeletonRow />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
