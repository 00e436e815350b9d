"use client";

// The conversation view: one row per thread (its newest message, how many, who took part); opening a
// row lists its messages, the user's own replies from Sent among them, and each opens in the reading pane.
import { ChevronDown, ChevronRight, Send, Star } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import type { ThreadMessage, ThreadSummary } from "@/lib/user-agent/mail/types";
import { useMailFormat } from "./format";
import { CURSOR_ROW, useFocusCursor, type ListCursor } from "./list-cursor";
import { ThreadsSkeleton, type RowSelection } from "./message-list";
import { fetchThread } from "./organise-api";
import { threadKey, type ThreadList as ThreadListState } from "./use-thread-list";

function ThreadMessages({ folder, thread, openUid, onOpen }: { folder: string; thread: ThreadSummary; openUid: number | null; onOpen: (folder: string, uid: number) => void }) {
  const t = useTranslations("List");
  const format = useMailFormat();
  const [messages, setMessages] = useState<ThreadMessage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const uids = thread.uids.join(",");
  useEffect(() => {
    let current = true;
    fetchThread(folder, uids.split(",").map(Number))
      .then((found) => current && setMessages(found))
      .catch((failure: unknown) => current && setError(failure instanceof Error ? failure.message : String(failure)));
    return () => {
      current = false;
    };
  }, [folder, uids]);
  if (error) return <p className="px-4 py-2 text-sm text-red-700 dark:text-red-400">{error}</p>;
  if (messages === null) return <div aria-hidden="true" className="mx-4 my-2 h-10 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />;
  return (
    <ul aria-label={t("inConversation")} className="border-l-2 border-indigo-200 pb-1 ml-6 dark:border-indigo-900">
      {messages.map((message) => {
        const sent = message.folder !== folder;
        return (
          <li key={`${message.folder}\0${message.uid}`}>
            <button
              type="button"
              aria-current={!sent && message.uid === openUid ? "true" : undefined}
              onClick={() => onOpen(message.folder, message.uid)}
              className="flex min-h-11 w-full items-center gap-2 px-3 text-left text-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 dark:hover:bg-slate-900"
            >
              {sent && <Send aria-label={t("sentByYou")} className="size-3.5 shrink-0 text-slate-500" />}
              <span className={`shrink-0 ${message.seen ? "" : "font-semibold"}`}>{sent ? t("you") : format.sender(message.from)}</span>
              <span className="min-w-0 flex-1 truncate text-slate-500 dark:text-slate-400">{message.snippet || message.subject}</span>
              <time dateTime={message.date ?? undefined} className="shrink-0 text-xs text-slate-500 tabular-nums">
                {format.listDate(message.date)}
              </time>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function ThreadRow({
  thread,
  index,
  folder,
  expanded,
  cursor,
  onExpand,
  selection,
  openUid,
  onOpen,
}: {
  thread: ThreadSummary;
  index: number;
  folder: string;
  expanded: boolean;
  cursor: boolean;
  onExpand: () => void;
  selection: RowSelection;
  openUid: number | null;
  onOpen: (folder: string, uid: number) => void;
}) {
  const t = useTranslations("List");
  const format = useMailFormat();
  const head = thread.latest;
  const subject = format.subject(head.subject);
  const people = thread.participants.join(", ") || format.sender(head.from);
  const Chevron = expanded ? ChevronDown : ChevronRight;
  return (
    <li data-row-index={index} className="border-b border-slate-100 dark:border-slate-800/60">
      <div draggable onDragStart={selection.onDragStart} className={`flex min-h-[72px] ${cursor ? CURSOR_ROW : ""} ${selection.checked ? "bg-indigo-50/70 dark:bg-indigo-950/40" : "hover:bg-slate-50 dark:hover:bg-slate-900"}`}>
        <label className="flex w-11 shrink-0 cursor-pointer items-center justify-center self-stretch">
          <input
            type="checkbox"
            aria-label={t("selectConversation", { subject })}
            checked={selection.checked}
            onClick={(event) => selection.onToggle(event.shiftKey)}
            onChange={() => undefined}
            className="size-4 cursor-pointer accent-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 max-md:size-5"
          />
        </label>
        <button
          type="button"
          aria-expanded={expanded}
          data-row-open
          aria-label={t("conversationRow", { unread: String(thread.unread > 0), people, subject, count: thread.count })}
          onClick={onExpand}
          className="flex min-w-0 flex-1 flex-col justify-center gap-0.5 py-2 pr-4 text-left focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600"
        >
          <span className="flex w-full items-center gap-2">
            <Chevron aria-hidden="true" className="size-4 shrink-0 text-slate-400" />
            <span className={`min-w-0 flex-1 truncate text-sm ${thread.unread > 0 ? "font-semibold" : "text-slate-700 dark:text-slate-300"}`}>{people}</span>
            {thread.count > 1 && <span className="shrink-0 text-xs text-slate-500 tabular-nums">{thread.count}</span>}
            {thread.flagged && <Star aria-label={t("flagged")} className="size-3.5 shrink-0 fill-amber-400 text-amber-500" />}
            <time dateTime={head.date ?? undefined} className="shrink-0 text-xs text-slate-500 tabular-nums dark:text-slate-400">
              {format.listDate(head.date)}
            </time>
          </span>
          <span className="w-full truncate pl-6 text-sm">
            <span className={thread.unread > 0 ? "font-medium" : "text-slate-600 dark:text-slate-400"}>{subject}</span>
            {head.snippet && <span className="text-slate-500 dark:text-slate-400"> — {head.snippet}</span>}
          </span>
        </button>
      </div>
      {expanded && <ThreadMessages folder={folder} thread={thread} openUid={openUid} onOpen={onOpen} />}
    </li>
  );
}

export default function ThreadList({
  folder,
  list,
  openUid,
  expanded,
  onExpand,
  cursor,
  onCursor,
  onOpen,
  rowSelection,
}: {
  folder: string;
  list: ThreadListState;
  openUid: number | null;
  /** The open conversation's threadKey. */
  expanded: string | null;
  onExpand: (key: string | null) => void;
  cursor: ListCursor | null;
  onCursor: (index: number) => void;
  onOpen: (folder: string, uid: number) => void;
  rowSelection: (index: number, thread: ThreadSummary) => RowSelection;
}) {
  const t = useTranslations("List");
  const scroller = useRef<HTMLDivElement>(null);
  useFocusCursor(scroller, cursor);
  if (list.threads === null) {
    return list.error ? (
      <p role="alert" className="p-4 text-sm text-red-700 dark:text-red-400">
        {list.error}
      </p>
    ) : (
      <ThreadsSkeleton />
    );
  }
  if (list.threads.length === 0) return <p className="p-6 text-center text-sm text-slate-500 dark:text-slate-400">{t("noConversations")}</p>;
  return (
    <div ref={scroller} className="h-full overflow-y-auto overscroll-contain">
      <ul aria-label={t("conversations")}>
        {list.threads.map((thread, index) => {
          const key = threadKey(thread);
          return (
            <ThreadRow
              key={key}
              thread={thread}
              index={index}
              folder={folder}
              expanded={expanded === key}
              cursor={cursor?.index === index}
              onExpand={() => {
                onCursor(index);
                onExpand(expanded === key ? null : key);
              }}
              selection={rowSelection(index, thread)}
              openUid={openUid}
              onOpen={onOpen}
            />
          );
        })}
      </ul>
      {list.total !== null && list.threads.length < list.total && (
        <div className="p-3 text-center">
          <button
            type="button"
            onClick={list.more}
            disabled={list.loading}
            className="min-h-11 rounded-lg px-4 text-sm font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600 md:min-h-9 dark:text-indigo-300 dark:hover:bg-indigo-950"
          >
            {t("moreConversations")}
          </button>
        </div>
      )}
    </div>
  );
}
