"use client";

// The middle pane below its title: toolbar, "select all in the folder" banner, and the list itself,
// either messages (virtualised, sorted on the server) or conversations.
import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useCallback, useState, type DragEvent } from "react";
import type { FolderSummary, MessageSummary, SortOrder, ThreadSummary } from "@/lib/user-agent/mail/types";
import { toUidSet } from "@/lib/user-agent/mail/uid-set";
import type { ListCursor } from "./list-cursor";
import { ListToolbar } from "./list-toolbar";
import { DRAG_TYPE, MessageList, ThreadsSkeleton, type RowSelection } from "./message-list";
import { useShortcuts } from "./shortcuts";
import type { BulkKind, Target, useMailActions } from "./use-mail-actions";
import type { MessageList as MessageListState } from "./use-message-list";
import { useSelection } from "./use-selection";
import { threadKey, type ThreadList as ThreadListState } from "./use-thread-list";

// The conversation view loads when switched on: most lists are plain.
const ThreadList = dynamic(() => import("./thread-list"), { ssr: false, loading: () => <ThreadsSkeleton /> });

const OPTIMISTIC: Partial<Record<BulkKind, Partial<MessageSummary>>> = {
  read: { seen: true },
  unread: { seen: false },
  flag: { flagged: true },
  unflag: { flagged: false },
};

export interface DraggedMessages extends Target {
  type: "messages";
}

export function ListPane({
  folder,
  folders,
  list,
  threads,
  threaded,
  onThreaded,
  sort,
  onSort,
  openUid,
  onOpen,
  onClose,
  opensOnMove,
  shortcuts,
  actions,
}: {
  folder: string;
  folders: FolderSummary[] | null;
  list: MessageListState;
  threads: ThreadListState;
  threaded: boolean;
  onThreaded: (on: boolean) => void;
  sort: SortOrder;
  onSort: (sort: SortOrder) => void;
  openUid: number | null;
  onOpen: (folder: string, uid: number) => void;
  /** Back to the list from the open message (it was archived or deleted from the keyboard). */
  onClose: () => void;
  /** Whether j/k open the message they move to (a reading pane shows beside the list) or only move. */
  opensOnMove: () => boolean;
  /** The list's keyboard shortcuts are on (not while search results cover the list). */
  shortcuts: boolean;
  actions: ReturnType<typeof useMailActions>;
}) {
  const t = useTranslations("List");
  const listKey = `${folder}\0${sort}\0${threaded}`;
  const { selection, toggle, setRows, selectFolder, clear } = useSelection(listKey);
  const current = folders?.find((entry) => entry.path === folder) ?? null;
  // The keyboard cursor and the open conversation belong to one list: another list starts without them.
  const [view, setView] = useState<{ key: string; cursor: ListCursor | null; expanded: string | null }>({ key: listKey, cursor: null, expanded: null });
  const cursor = view.key === listKey ? view.cursor : null;
  const expanded = view.key === listKey ? view.expanded : null;
  const setCursor = (next: ListCursor) => setView({ key: listKey, cursor: next, expanded });
  const setExpanded = (key: string | null) => setView({ key: listKey, cursor, expanded: key });

  /** The UIDs of each loaded row, in list order: messages, or whole threads. */
  const loadedRows = useCallback((): number[][] => {
    if (threaded) return (threads.threads ?? []).map((thread) => thread.uids);
    return list.loaded.map((row) => [row.uid]);
  }, [threaded, threads.threads, list.loaded]);

  const uidsAt = useCallback(
    (index: number): number[] | undefined => {
      if (threaded) return threads.threads?.[index]?.uids;
      const row = list.row(index);
      return row ? [row.uid] : undefined;
    },
    [threaded, threads.threads, list],
  );

  const loaded = loadedRows().flat();
  const tickedLoaded = loaded.filter((uid) => selection.uids.has(uid)).length;
  const pageState = selection.all || (loaded.length > 0 && tickedLoaded === loaded.length) ? "all" : selection.uids.size > 0 ? "some" : "none";
  const folderTotal = current?.messages ?? list.total ?? loaded.length;
  const selectedCount = selection.all ? folderTotal : selection.uids.size;
  const target = (): Target => (selection.all ? { folder, uids: "all", below: list.uidNext ?? undefined, count: folderTotal } : { folder, uids: toUidSet(selection.uids), count: selection.uids.size });

  const dragStart = (uids: number[]) => (event: DragEvent<HTMLElement>) => {
    const ticked = uids.every((uid) => selection.uids.has(uid)) || selection.all;
    const dragged: DraggedMessages = ticked ? { type: "messages", ...target() } : { type: "messages", folder, uids: toUidSet(uids), count: uids.length };
    event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(dragged));
    event.dataTransfer.effectAllowed = "move";
  };

  const rowSelection = (index: number, uids: number[]): RowSelection => ({
    checked: selection.all || uids.every((uid) => selection.uids.has(uid)),
    onToggle: (shift) => toggle(index, uids, shift, uidsAt),
    onDragStart: dragStart(uids),
  });

  const act = (run: (target: Target) => void) => {
    if (selectedCount === 0) return;
    run(target());
    clear();
  };

  /** Runs an action; read/unread/flag show on `uids` at once, and the refresh after the server's answer confirms or corrects them. */
  const perform = (kind: BulkKind, on: Target, uids: Iterable<number> | null) => {
    const patch = OPTIMISTIC[kind];
    if (patch && uids) for (const uid of uids) list.updateRow(uid, patch);
    actions.perform(kind, on);
  };

  // The keyboard: rows by index, the cursor's row (or the open message's) when nothing is ticked.
  const rowCount = threaded ? (threads.threads?.length ?? 0) : (list.total ?? 0);
  const rowAt = (index: number): { uids: number[]; open: number; flagged: boolean; key: string } | undefined => {
    if (threaded) {
      const thread = threads.threads?.[index];
      return thread && { uids: thread.uids, open: thread.latest.uid, flagged: thread.flagged, key: threadKey(thread) };
    }
    const message = list.row(index);
    return message && { uids: [message.uid], open: message.uid, flagged: message.flagged, key: String(message.uid) };
  };
  const here = () => {
    if (cursor) return cursor.index;
    if (openUid === null) return -1;
    return threaded ? (threads.threads ?? []).findIndex((thread) => thread.uids.includes(openUid)) : list.indexOf(openUid);
  };
  const openRow = (index: number, focus: boolean) => {
    const row = rowAt(index);
    setView({ key: listKey, cursor: { index, focus }, expanded: threaded && row ? row.key : expanded });
    if (row) onOpen(folder, row.open);
  };
  const move = (step: 1 | -1) => {
    if (rowCount === 0) return;
    const from = here();
    const index = from === -1 ? 0 : Math.min(rowCount - 1, Math.max(0, from + step));
    if (openUid !== null || opensOnMove()) openRow(index, true);
    else setCursor({ index, focus: true });
  };
  const flaggedRows = () => (threaded ? (threads.threads ?? []).filter((thread) => thread.flagged).flatMap((thread) => thread.uids) : list.loaded.filter((row) => row.flagged).map((row) => row.uid));
  const keyAction = (kind: "archive" | "delete" | "read" | "unread" | "flag") => {
    let on: Target;
    let uids: number[] | null;
    let flagged: boolean;
    if (selectedCount > 0) {
      on = target();
      uids = selection.all ? null : [...selection.uids];
      const marked = new Set(flaggedRows());
      flagged = uids !== null && uids.every((uid) => marked.has(uid));
      clear();
    } else {
      const row = rowAt(here());
      if (!row) return;
      on = { folder, uids: toUidSet(row.uids), count: row.uids.length };
      uids = row.uids;
      flagged = row.flagged;
    }
    perform(kind === "flag" && flagged ? "unflag" : kind, on, uids);
    // Gone from the list (deleting in Trash asks first, and the message stays open behind the question).
    const removed = kind === "archive" || (kind === "delete" && current?.specialUse !== "trash");
    if (removed && openUid !== null && (uids === null || uids.includes(openUid))) onClose();
  };
  useShortcuts(
    {
      next: () => move(1),
      previous: () => move(-1),
      open: () => {
        const index = here();
        if (index !== -1) openRow(index, true);
      },
      select: () => {
        const index = here();
        const row = rowAt(index);
        if (!row) return;
        toggle(index, row.uids, false, uidsAt);
        setCursor({ index, focus: false });
      },
      archive: () => keyAction("archive"),
      delete: () => keyAction("delete"),
      flag: () => keyAction("flag"),
      read: () => keyAction("read"),
      unread: () => keyAction("unread"),
    },
    shortcuts,
  );

  return (
    <div className="flex h-full flex-col">
      <ListToolbar
        folder={current}
        folders={folders ?? []}
        selectedCount={selectedCount}
        pageState={pageState}
        onTickPage={() => setRows(loaded)}
        onClear={clear}
        onAction={(kind) => act((t) => perform(kind, t, selection.all ? null : selection.uids))}
        onMove={(path) => act((t) => actions.moveTo(t, path))}
        sort={sort}
        onSort={onSort}
        threaded={threaded}
        onThreaded={onThreaded}
        onEmpty={() => current && actions.empty(current)}
      />
      {pageState === "all" && folderTotal > loaded.length && (
        <p className="flex min-h-11 shrink-0 flex-wrap items-center justify-center gap-x-2 border-b border-slate-100 bg-slate-50 px-3 text-sm dark:border-slate-800 dark:bg-slate-900">
          {selection.all ? (
            <>
              <span>{t("folderSelected", { count: folderTotal, folder: current?.name ?? folder })}</span>
              <button type="button" onClick={clear} className="min-h-11 font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 md:min-h-9 dark:text-indigo-300">
                {t("clearSelection")}
              </button>
            </>
          ) : (
            <>
              <span>{t("pageSelected", { count: loaded.length })}</span>
              <button type="button" onClick={selectFolder} className="min-h-11 font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 md:min-h-9 dark:text-indigo-300">
                {t("selectFolder", { count: folderTotal, folder: current?.name ?? folder })}
              </button>
            </>
          )}
        </p>
      )}
      <div className="min-h-0 flex-1">
        {threaded ? (
          <ThreadList
            folder={folder}
            list={threads}
            openUid={openUid}
            expanded={expanded}
            onExpand={setExpanded}
            cursor={cursor}
            onCursor={(index) => setCursor({ index, focus: false })}
            onOpen={onOpen}
            rowSelection={(index: number, thread: ThreadSummary) => rowSelection(index, thread.uids)}
          />
        ) : (
          <MessageList
            list={list}
            selectedUid={openUid}
            cursor={cursor}
            onOpen={(index) => openRow(index, false)}
            rowSelection={(index: number, message: MessageSummary) => rowSelection(index, [message.uid])}
          />
        )}
      </div>
    </div>
  );
}
