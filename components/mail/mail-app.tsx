"use client";

// The mail screen: folders, message list and reading pane side by side on wide screens; on phones one
// of them at a time, each step a history entry so the browser's back button goes back a pane.
import { Menu, MailOpen } from "lucide-react";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Brand } from "@/components/brand";
import { SignOutButton } from "@/components/auth/sign-out-button";
import type { FolderSummary, MailboxChangeEvent, MessageView } from "@/lib/user-agent/mail/types";
import { changeFlags, fetchFolders } from "./api";
import { FolderList } from "./folder-list";
import { MessageList } from "./message-list";
import { ReadingPane } from "./reading-pane";
import { SearchBar, SearchResults, type SearchQuery } from "./search";
import { useMailEvents } from "./use-mail-events";
import { useMessageList } from "./use-message-list";

interface Location {
  folder: string;
  uid: number | null;
  folders: boolean;
}

function readLocation(params: URLSearchParams): Location {
  const uid = Number(params.get("uid"));
  return { folder: params.get("folder") || "INBOX", uid: Number.isSafeInteger(uid) && uid > 0 ? uid : null, folders: params.get("view") === "folders" };
}

function go(next: Location, replace = false) {
  const query = new URLSearchParams();
  if (next.folder !== "INBOX") query.set("folder", next.folder);
  if (next.uid !== null) query.set("uid", String(next.uid));
  if (next.folders) query.set("view", "folders");
  const url = query.size ? `/?${query}` : "/";
  if (replace) window.history.replaceState({ webmail: true }, "", url);
  else window.history.pushState({ webmail: true }, "", url);
}

/** Back one pane: through history when we put the entry there, else by replacing the URL. */
function back(to: Location) {
  const state: unknown = window.history.state;
  if (typeof state === "object" && state !== null && "webmail" in state) window.history.back();
  else go(to, true);
}

export function MailApp({ address }: { address: string }) {
  const params = useSearchParams();
  const location = useMemo(() => readLocation(new URLSearchParams(params.toString())), [params]);
  const { folder, uid } = location;
  const [folders, setFolders] = useState<FolderSummary[] | null>(null);
  const list = useMessageList(folder, "date-desc");
  // A search replaces the list pane until closed; opening a result moves to its folder underneath.
  const [search, setSearch] = useState<SearchQuery | null>(null);
  const folderTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const loadFolders = useCallback(() => {
    fetchFolders()
      .then(setFolders)
      .catch(() => undefined);
  }, []);

  // Unread counts follow changes, at most every half second when many arrive together.
  const refreshFoldersSoon = useCallback(() => {
    if (folderTimer.current) clearTimeout(folderTimer.current);
    folderTimer.current = setTimeout(loadFolders, 500);
  }, [loadFolders]);

  useEffect(() => {
    loadFolders();
    return () => {
      if (folderTimer.current) clearTimeout(folderTimer.current);
    };
  }, [loadFolders]);

  const { refresh, updateRow } = list;
  useMailEvents(folder, (event: MailboxChangeEvent) => {
    if (event.type === "flags") {
      if (event.uid !== null) updateRow(event.uid, { seen: event.flags.includes("\\Seen"), flagged: event.flags.includes("\\Flagged"), answered: event.flags.includes("\\Answered") });
      else refresh();
    } else {
      refresh();
    }
    refreshFoldersSoon();
  });

  const onOpened = useCallback(
    (view: MessageView) => {
      if (view.flags.includes("\\Seen")) return;
      updateRow(view.uid, { seen: true });
      changeFlags(view.folder, [view.uid], ["\\Seen"], [])
        .then(refreshFoldersSoon)
        .catch(() => updateRow(view.uid, { seen: false }));
    },
    [updateRow, refreshFoldersSoon],
  );

  const current = folders?.find((f) => f.path === folder);
  const title = current?.name ?? (folder === "INBOX" ? "Inbox" : folder);
  const phonePane = location.folders ? "folders" : uid !== null ? "message" : "list";
  const paneClass = (pane: typeof phonePane) => (phonePane === pane ? "flex" : "hidden md:flex");

  useEffect(() => {
    document.title = `${title} · ${address}`;
  }, [title, address]);

  return (
    <div className="flex h-dvh flex-col">
      <header className="flex h-14 shrink-0 items-center gap-1 border-b border-slate-200 bg-white px-2 sm:px-4 dark:border-slate-800 dark:bg-slate-900">
        <button
          type="button"
          aria-label="Folders"
          onClick={() => go({ ...location, uid: null, folders: true })}
          className="inline-flex size-11 items-center justify-center rounded-lg hover:bg-slate-100 md:hidden dark:hover:bg-slate-800"
        >
          <Menu aria-hidden="true" className="size-5" />
        </button>
        <Brand />
        <SearchBar folders={folders} currentFolder={folder} onSearch={setSearch} />
        <span className="flex-1" />
        <span className="hidden truncate text-sm text-slate-600 sm:inline dark:text-slate-400">{address}</span>
        <SignOutButton />
      </header>
      <div className="grid min-h-0 flex-1 grid-cols-1 md:grid-cols-[13rem_20rem_minmax(0,1fr)] lg:grid-cols-[15rem_26rem_minmax(0,1fr)]">
        <nav aria-label="Folders" className={`${paneClass("folders")} min-h-0 flex-col overflow-y-auto border-r border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-950`}>
          <FolderList folders={folders} current={folder} onOpen={(path) => go({ folder: path, uid: null, folders: false })} />
        </nav>
        <section aria-label="Message list" className={`${paneClass("list")} min-h-0 flex-col border-r border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-950`}>
          {search && (
            <SearchResults
              key={JSON.stringify(search)}
              query={search}
              selected={uid !== null ? { folder, uid } : null}
              onOpen={(hit) => go({ folder: hit.folder, uid: hit.uid, folders: false })}
              onClose={() => setSearch(null)}
            />
          )}
          <h1 hidden={search !== null} className="flex h-12 shrink-0 items-center gap-2 border-b border-slate-100 px-4 font-semibold dark:border-slate-800">
            <span className="truncate">{title}</span>
            {list.total !== null && <span className="text-sm font-normal text-slate-500 tabular-nums">{list.total}</span>}
          </h1>
          <div hidden={search !== null} className="min-h-0 flex-1">
            <MessageList list={list} selectedUid={uid} onOpen={(next) => go({ folder, uid: next, folders: false }, uid !== null && window.matchMedia("(min-width: 768px)").matches)} />
          </div>
        </section>
        <section aria-label="Reading pane" className={`${paneClass("message")} min-h-0 flex-col bg-white dark:bg-slate-950`}>
          {uid !== null ? (
            <ReadingPane key={`${folder}\0${uid}`} folder={folder} uid={uid} onOpened={onOpened} onBack={() => back({ folder, uid: null, folders: false })} />
          ) : (
            <div className="flex h-full flex-col items-center justify-center gap-3 p-6 text-center text-slate-500 dark:text-slate-400">
              <MailOpen aria-hidden="true" className="size-10" />
              <p className="text-sm">Select a message to read it.</p>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
