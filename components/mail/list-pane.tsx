"use client";

// The middle pane below its title: toolbar, "select all in the folder" banner, and the list itself,
// either messages (virtualised, sorted on the server) or conversations.
import { useCallback, type DragEvent } from "react";
import type { FolderSummary, MessageSummary, SortOrder, ThreadSummary } from "@/lib/user-agent/mail/types";
import { toUidSet } from "@/lib/user-agent/mail/uid-set";
import { ListToolbar } from "./list-toolbar";
import { DRAG_TYPE, MessageList, type RowSelection } from "./message-list";
import { ThreadList } from "./thread-list";
import type { BulkKind, Target, useMailActions } from "./use-mail-actions";
import type { MessageList as MessageListState } from "./use-message-list";
import { useSelection } from "./use-selection";
import type { ThreadList as ThreadListState } from "./use-thread-list";

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
  actions: ReturnType<typeof useMailActions>;
}) {
  const { selection, toggle, setRows, selectFolder, clear } = useSelection(`${folder}\0${sort}\0${threaded}`);
  const current = folders?.find((entry) => entry.path === folder) ?? null;

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
  const target = (): Target => (selection.all ? { folder, uids: "all", count: folderTotal } : { folder, uids: toUidSet(selection.uids), count: selection.uids.size });

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

  return (
    <div className="flex h-full flex-col">
      <ListToolbar
        folder={current}
        folders={folders ?? []}
        selectedCount={selectedCount}
        pageState={pageState}
        onTickPage={() => setRows(loaded)}
        onClear={clear}
        onAction={(kind) =>
          act((t) => {
            // Flags show at once; the refresh after the server's answer confirms or corrects them.
            const patch = OPTIMISTIC[kind];
            if (patch && !selection.all) for (const uid of selection.uids) list.updateRow(uid, patch);
            actions.perform(kind, t);
          })
        }
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
              <span>All {folderTotal} messages in {current?.name ?? folder} are selected.</span>
              <button type="button" onClick={clear} className="min-h-11 font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 md:min-h-9 dark:text-indigo-300">
                Clear selection
              </button>
            </>
          ) : (
            <>
              <span>All {loaded.length} loaded are selected.</span>
              <button type="button" onClick={selectFolder} className="min-h-11 font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 md:min-h-9 dark:text-indigo-300">
                Select all {folderTotal} in {current?.name ?? folder}
              </button>
            </>
          )}
        </p>
      )}
      <div className="min-h-0 flex-1">
        {threaded ? (
          <ThreadList folder={folder} list={threads} openUid={openUid} onOpen={onOpen} rowSelection={(index: number, thread: ThreadSummary) => rowSelection(index, thread.uids)} />
        ) : (
          <MessageList list={list} selectedUid={openUid} onOpen={(uid) => onOpen(folder, uid)} rowSelection={(index: number, message: MessageSummary) => rowSelection(index, [message.uid])} />
        )}
      </div>
    </div>
  );
}
