"use client";

// Runs what the list's toolbar, drag and drop and folder menus ask for, and says what happened in a
// toast with "Undo" (the inverse action the server answered with). Only deleting for good asks first.
import { useTranslations } from "next-intl";
import { useCallback, useRef, useState } from "react";
import type { FolderSummary, SpecialUse } from "@/lib/user-agent/mail/types";
import type { BulkAction, FlagChange } from "@/lib/user-agent/mail/uid-set";
import { deleteForGood, runBulkAction } from "./organise-api";
import type { Toast } from "./undo-toast";

export type BulkKind = "read" | "unread" | "flag" | "unflag" | "archive" | "delete" | "spam" | "not-spam";

/** Messages of one folder: a UID set, or "all" for the whole folder (below `below` when given); `count` for the words. */
export interface Target {
  folder: string;
  uids: string;
  below?: number;
  count: number;
}

export interface Confirmation {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
}

/** How many messages an action took, for its sentence: "3 messages", "all messages". */
function amount(target: Target) {
  return { all: String(target.uids === "all"), count: target.count };
}

function reason(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}

export function useMailActions(folders: FolderSummary[] | null, afterChange: () => void) {
  const t = useTranslations("Actions");
  const [toast, setToast] = useState<Toast | null>(null);
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const counter = useRef(0);

  const describe = useCallback((target: Target) => t("what", amount(target)), [t]);

  const show = useCallback((text: string, onUndo?: () => void) => {
    counter.current += 1;
    setToast({ id: counter.current, text, onUndo });
  }, []);
  const dismiss = useCallback(() => setToast(null), []);

  const special = useCallback((use: SpecialUse) => folders?.find((folder) => folder.specialUse === use) ?? null, [folders]);

  const execute = useCallback(
    (action: BulkAction, done: string) => {
      runBulkAction(action)
        .then((result) => {
          afterChange();
          const undo = result.undo;
          show(
            done,
            undo
              ? () => {
                  setToast(null);
                  runBulkAction(undo)
                    .then(() => show(t("undone")))
                    .catch((failure: unknown) => show(t("undoFailed", { reason: reason(failure) })))
                    .finally(afterChange);
                }
              : undefined,
          );
        })
        .catch((failure: unknown) => {
          afterChange();
          show(t("failed", { reason: reason(failure) }));
        });
    },
    [afterChange, show, t],
  );

  const destroy = useCallback(
    (target: Target, title: string, confirmLabel: string, done: string) => {
      setConfirmation({
        title,
        message: t("destroyWarning", amount(target)),
        confirmLabel,
        onConfirm: () => {
          setConfirmation(null);
          deleteForGood(target.folder, target.uids, target.below)
            .then(() => show(done))
            .catch((failure: unknown) => show(t("failed", { reason: reason(failure) })))
            .finally(afterChange);
        },
      });
    },
    [afterChange, show, t],
  );

  const moveTo = useCallback(
    (target: Target, to: string, flags: FlagChange[] = [], done?: string) => {
      const name = folders?.find((folder) => folder.path === to)?.name ?? to;
      execute({ folder: target.folder, uids: target.uids, below: target.below, flags, to }, done ?? t("moved", { what: describe(target), folder: name }));
    },
    [execute, folders, t, describe],
  );

  const perform = useCallback(
    (kind: BulkKind, target: Target) => {
      const flag = (name: FlagChange["flag"], add: boolean): FlagChange => ({ flag: name, add, uids: target.uids });
      const what = describe(target);
      const current = folders?.find((folder) => folder.path === target.folder)?.specialUse ?? null;
      switch (kind) {
        case "read":
          return execute({ folder: target.folder, uids: target.uids, below: target.below, flags: [flag("\\Seen", true)] }, t("markedRead", { what }));
        case "unread":
          return execute({ folder: target.folder, uids: target.uids, below: target.below, flags: [flag("\\Seen", false)] }, t("markedUnread", { what }));
        case "flag":
          return execute({ folder: target.folder, uids: target.uids, below: target.below, flags: [flag("\\Flagged", true)] }, t("flagged", { what }));
        case "unflag":
          return execute({ folder: target.folder, uids: target.uids, below: target.below, flags: [flag("\\Flagged", false)] }, t("unflagged", { what }));
        case "archive": {
          const archive = special("archive");
          if (!archive) return show(t("noArchive"));
          return moveTo(target, archive.path, [], t("archived", { what }));
        }
        case "delete": {
          if (current === "trash") return destroy(target, t("deleteForGoodTitle"), t("deleteForGood"), t("deletedForGood", { what }));
          const trash = special("trash");
          if (!trash) return show(t("noTrash"));
          return moveTo(target, trash.path, [], t("movedToTrash", { what }));
        }
        case "spam": {
          const junk = special("junk");
          if (!junk) return show(t("noJunk"));
          return moveTo(target, junk.path, [flag("$Junk", true), flag("$NotJunk", false)], t("reportedSpam", { what }));
        }
        case "not-spam":
          return moveTo(target, "INBOX", [flag("$NotJunk", true), flag("$Junk", false)], t("notSpam", { what }));
      }
    },
    [destroy, execute, folders, moveTo, show, special, t, describe],
  );

  const empty = useCallback(
    (folder: FolderSummary) => {
      const messages = folder.messages ?? 0;
      destroy({ folder: folder.path, uids: "all", count: messages }, t("emptyTitle", { folder: folder.name }), t("empty", { folder: folder.name }), t("emptied", { folder: folder.name }));
    },
    [destroy, t],
  );

  return { perform, moveTo, empty, toast, dismiss, confirmation, cancelConfirmation: () => setConfirmation(null) };
}
