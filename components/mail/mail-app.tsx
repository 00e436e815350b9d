"use client";

// The mail screen: folders, message list and reading pane side by side on wide screens; on phones one
// of them at a time, each step a history entry so the browser's back button goes back a pane.
import { BookUser, MailOpen, Menu, PenSquare, Settings, ShieldCheck } from "lucide-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Brand } from "@/components/brand";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { ComposeHost, type AnswerMode, type ComposeRequest } from "@/components/compose/compose-host";
import type { FolderSummary, MailboxChangeEvent, MessageView } from "@/lib/user-agent/mail/types";
import type { Preferences, ReadingPanePosition } from "@/lib/web/preferences";
import { changeFlags, fetchFolders } from "./api";
import type { FolderDialogMode } from "./folder-dialog";
import { FolderList } from "./folder-list";
import { ListPane } from "./list-pane";
import { isListSort } from "./list-toolbar";
import { ReadingPane } from "./reading-pane";
import { SearchBar, type SearchQuery } from "./search";
import { useShortcuts } from "./shortcuts";
import { UndoToast } from "./undo-toast";
import { useMailActions } from "./use-mail-actions";
import { useMailEvents } from "./use-mail-events";
import { useMessageList } from "./use-message-list";
import { useStoredPreference } from "./use-stored-preference";
import { useThreadList } from "./use-thread-list";

// Not needed to show the mail: each loads when first opened, keeping the mail page's own JavaScript small.
// (Not the reading pane: a first open that waits for its script as well as the message feels slow.)
const SearchResults = dynamic(() => import("./search-results"), {
  ssr: false,
  loading: () => <div aria-hidden="true" className="m-4 h-12 animate-pulse rounded bg-slate-100 dark:bg-slate-900" />,
});
const ShortcutsDialog = dynamic(() => import("./shortcuts-dialog").then((module) => module.ShortcutsDialog), { ssr: false });
const ConfirmDialog = dynamic(() => import("./modal").then((module) => module.ConfirmDialog), { ssr: false });
const FolderDialog = dynamic(() => import("./folder-dialog").then((module) => module.FolderDialog), { ssr: false });

interface Location {
  folder: string;
  uid: number | null;
  folders: boolean;
  /** The open message's folder when it is not the listed one (a reply from Sent in a conversation). */
  in?: string | null;
}

function readLocation(params: URLSearchParams): Location {
  const uid = Number(params.get("uid"));
  return { folder: params.get("folder") || "INBOX", uid: Number.isSafeInteger(uid) && uid > 0 ? uid : null, folders: params.get("view") === "folders", in: params.get("in") || null };
}

function go(next: Location, replace = false) {
  const query = new URLSearchParams();
  if (next.folder !== "INBOX") query.set("folder", next.folder);
  if (next.uid !== null) query.set("uid", String(next.uid));
  if (next.uid !== null && next.in) query.set("in", next.in);
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

/** Tailwind's md: from here up the panes stand side by side; below, one at a time. */
const WIDE = "(min-width: 768px)";

// Columns (and rows, with the reading pane below the list) from md up; phones show one pane at a time.
const GRID: Record<ReadingPanePosition, string> = {
  right: "md:grid-cols-[13rem_20rem_minmax(0,1fr)] lg:grid-cols-[15rem_26rem_minmax(0,1fr)]",
  bottom: "md:grid-cols-[13rem_minmax(0,1fr)] lg:grid-cols-[15rem_minmax(0,1fr)] md:grid-rows-[minmax(0,2fr)_minmax(0,3fr)]",
  off: "md:grid-cols-[13rem_minmax(0,1fr)] lg:grid-cols-[15rem_minmax(0,1fr)]",
};

/** An icon link of the header (administration, contacts, settings): its name for screen readers and as a tooltip. */
function HeaderLink({ href, label, children }: { href: string; label: string; children: ReactNode }) {
  return (
    <Link
      href={href}
      aria-label={label}
      title={label}
      className="inline-flex size-11 shrink-0 items-center justify-center rounded-lg text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-slate-300 dark:hover:bg-slate-800"
    >
      {children}
    </Link>
  );
}

export function MailApp({ address, initialPreferences, isAdmin = false }: { address: string; initialPreferences: Preferences; isAdmin?: boolean }) {
  const t = useTranslations("Mail");
  const compose = useTranslations("Compose");
  const contacts = useTranslations("Contacts");
  const admin = useTranslations("Admin");
  const params = useSearchParams();
  const location = useMemo(() => readLocation(new URLSearchParams(params.toString())), [params]);
  const { folder, uid } = location;
  const [serverFolders, setFolders] = useState<FolderSummary[] | null>(null);
  // The system folders (Inbox, Sent, Trash…) go by their names in the UI's language, whatever the server calls them.
  const folderNames = useTranslations("Folders.special");
  const folders = useMemo(() => serverFolders?.map((entry) => (entry.specialUse ? { ...entry, name: folderNames(entry.specialUse) } : entry)) ?? null, [serverFolders, folderNames]);
  const [sort, setSort] = useStoredPreference("webmail.sort", "date-desc", isListSort);
  const [threadedValue, setThreadedValue] = useStoredPreference("webmail.conversations", "off", (value): value is "on" | "off" => value === "on" || value === "off");
  const threaded = threadedValue === "on";
  const list = useMessageList(folder, sort);
  const threads = useThreadList(folder, threaded);
  const [folderDialog, setFolderDialog] = useState<FolderDialogMode | null>(null);
  // A search replaces the list pane until closed; opening a result moves to its folder underneath.
  const [search, setSearch] = useState<SearchQuery | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const [composing, setComposing] = useState<ComposeRequest | null>(null);
  const searchInput = useRef<HTMLInputElement | null>(null);
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
  const refreshThreads = threads.refresh;
  const afterChange = useCallback(() => {
    refresh();
    refreshThreads();
    refreshFoldersSoon();
  }, [refresh, refreshThreads, refreshFoldersSoon]);
  const actions = useMailActions(folders, afterChange);

  useMailEvents(folder, (event: MailboxChangeEvent) => {
    if (threaded) refreshThreads();
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
  const title = current?.name ?? (folder === "INBOX" ? folderNames("inbox") : folder);
  const position = initialPreferences.readingPane;
  const readingPaneBeside = () => position !== "off" && window.matchMedia(WIDE).matches;
  const phonePane = location.folders ? "folders" : uid !== null ? "message" : "list";
  // From md up every pane shows, except with the reading pane off: then the list or the open message.
  const desktopPanes = { folders: true, list: position !== "off" || uid === null, message: position !== "off" || uid !== null };
  const paneClass = (pane: typeof phonePane) => `${phonePane === pane ? "flex" : "hidden"} ${desktopPanes[pane] ? "md:flex" : "md:hidden"}`;

  useEffect(() => {
    document.title = `${title} · ${address}`;
  }, [title, address]);

  const closeMessage = () => back({ folder, uid: null, folders: false });
  const answer = (mode: AnswerMode) => {
    if (uid !== null) setComposing(mode === "draft" ? { mode, uid } : { mode, folder: location.in ?? folder, uid });
  };
  useShortcuts({
    compose: () => setComposing({ mode: "new" }),
    reply: () => answer("reply"),
    replyAll: () => answer("all"),
    forward: () => answer("forward"),
    back: () => {
      if (uid !== null) closeMessage();
    },
    search: () => searchInput.current?.focus(),
    help: () => setHelpOpen(true),
  });

  return (
    <div className="flex h-dvh flex-col">
      <header className="flex h-14 shrink-0 items-center gap-1 border-b border-slate-200 bg-white px-2 sm:px-4 dark:border-slate-800 dark:bg-slate-900">
        <button
          type="button"
          aria-label={t("folders")}
          title={t("folders")}
          onClick={() => go({ ...location, uid: null, folders: true })}
          className="inline-flex size-11 items-center justify-center rounded-lg hover:bg-slate-100 md:hidden dark:hover:bg-slate-800"
        >
          <Menu aria-hidden="true" className="size-5" />
        </button>
        <Brand compact />
        <SearchBar input={searchInput} folders={folders} currentFolder={folder} onSearch={setSearch} />
        {/* On phones the search box takes the room; from md up it stops at its width and this fills the rest. */}
        <span className="hidden flex-1 md:block" />
        <button
          type="button"
          onClick={() => setComposing({ mode: "new" })}
          aria-label={compose("compose")}
          className="inline-flex size-11 shrink-0 items-center justify-center gap-2 rounded-lg bg-indigo-600 text-sm font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 lg:w-auto lg:px-4"
        >
          <PenSquare aria-hidden="true" className="size-5" />
          <span className="hidden lg:inline">{compose("compose")}</span>
        </button>
        <span className="hidden truncate text-sm text-slate-600 sm:inline dark:text-slate-400">{address}</span>
        {isAdmin ? (
          <HeaderLink href="/admin" label={admin("openAdmin")}>
            <ShieldCheck aria-hidden="true" className="size-5" />
          </HeaderLink>
        ) : null}
        <HeaderLink href="/contacts" label={contacts("openContacts")}>
          <BookUser aria-hidden="true" className="size-5" />
        </HeaderLink>
        {/* Done in Settings comes back to what was open (folder, message). */}
        <HeaderLink href={params.size > 0 ? `/settings?${new URLSearchParams({ back: `?${params.toString()}` })}` : "/settings"} label={t("settings")}>
          <Settings aria-hidden="true" className="size-5" />
        </HeaderLink>
        <SignOutButton />
      </header>
      <div className={`grid min-h-0 flex-1 grid-cols-1 ${GRID[position]}`}>
        <nav aria-label={t("folders")} className={`${paneClass("folders")} min-h-0 flex-col ${position === "bottom" ? "md:row-span-2" : ""} overflow-y-auto border-r border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-950`}>
          <FolderList
            folders={folders}
            current={folder}
            onOpen={(path) => go({ folder: path, uid: null, folders: false })}
            onDropMessages={(path, dragged) => actions.moveTo(dragged, path)}
            onEdit={(entry) => setFolderDialog({ kind: "edit", folder: entry })}
            onCreate={() => setFolderDialog({ kind: "create", parent: "" })}
          />
        </nav>
        <section aria-label={t("messageList")} className={`${paneClass("list")} min-h-0 flex-col ${position === "right" ? "md:border-r" : ""} border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-950`}>
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
            <ListPane
              folder={folder}
              folders={folders}
              list={list}
              threads={threads}
              threaded={threaded}
              onThreaded={(on) => setThreadedValue(on ? "on" : "off")}
              sort={sort}
              onSort={setSort}
              openUid={location.in ? null : uid}
              // From one open message to the next replaces it in history: back leads to the list.
              onOpen={(from, next) => go({ folder, uid: next, folders: false, in: from === folder ? null : from }, uid !== null)}
              onClose={closeMessage}
              opensOnMove={readingPaneBeside}
              shortcuts={search === null}
              actions={actions}
            />
          </div>
        </section>
        <section aria-label={t("readingPane")} className={`${paneClass("message")} min-h-0 flex-col bg-white dark:bg-slate-950 ${position === "bottom" ? "md:border-t md:border-slate-200 dark:md:border-slate-800" : ""}`}>
          {uid !== null ? (
            <ReadingPane key={`${location.in ?? folder}\0${uid}`} folder={location.in ?? folder} uid={uid} onOpened={onOpened} onAnswer={answer} onBack={closeMessage} backOnDesktop={position === "off"} />
          ) : (
            <div className="flex h-full flex-col items-center justify-center gap-3 p-6 text-center text-slate-500 dark:text-slate-400">
              <MailOpen aria-hidden="true" className="size-10" />
              <p className="text-sm">{t("selectMessage")}</p>
            </div>
          )}
        </section>
      </div>
      <UndoToast toast={actions.toast} onDismiss={actions.dismiss} />
      <ComposeHost request={composing} address={address} onClose={() => setComposing(null)} onReopen={setComposing} />
      {helpOpen && <ShortcutsDialog onClose={() => setHelpOpen(false)} />}
      {actions.confirmation && <ConfirmDialog {...actions.confirmation} onCancel={actions.cancelConfirmation} />}
      {folderDialog && folders && (
        <FolderDialog
          mode={folderDialog}
          folders={folders}
          onClose={() => setFolderDialog(null)}
          onDone={(path) => {
            const edited = folderDialog.kind === "edit" ? folderDialog.folder.path : null;
            setFolderDialog(null);
            loadFolders();
            // The open folder was renamed, moved or deleted: follow it, or go back to the inbox.
            if (edited !== null && edited === folder) go({ folder: path ?? "INBOX", uid: null, folders: false }, true);
          }}
        />
      )}
    </div>
  );
}
