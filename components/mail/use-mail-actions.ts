"use client";

// Runs what the list's toolbar, drag and drop and folder menus ask for, and says what happened in a
// toast with "Undo" (the inverse action the server answered with). Only deleting for good asks first.
import { useCallback, useRef, useState } from "react";
import type { FolderSummary, SpecialUse } from "@/lib/user-agent/mail/types";
import type { BulkAction, FlagChange } from "@/lib/user-agent/mail/uid-set";
import { deleteForGood, runBulkAction } from "./organise-api";
import type { Toast } from "./undo-toast";

export type BulkKind = "read" | "unread" | "flag" | "unflag" | "archive" | "delete" | "spam" | "not-spam";

/** Messages of one folder: a UID set, or "all" for the whole folder; `count` for the words. */
export interface Target {
  folder: string;
  uids: string;
  count: number;
}

export interface Confirmation {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
}

function describe(target: Target): string {
  if (target.uids === "all") return "all messages";
  return target.count === 1 ? "1 message" : `${target.count} messages`;
}

function reason(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}

export function useMailActions(folders: FolderSummary[] | null, afterChange: () => void) {
  const [toast, setToast] = useState<Toast | null>(null);
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const counter = useRef(0);

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
                    .then(() => show("Undone."))
                    .catch((failure: unknown) => show(`Could not undo: ${reason(failure)}`))
                    .finally(afterChange);
                }
              : undefined,
          );
        })
        .catch((failure: unknown) => {
          afterChange();
          show(`That did not work: ${reason(failure)}`);
        });
    },
    [afterChange, show],
  );

  const destroy = useCallback(
    (target: Target, title: string, confirmLabel: string, done: string) => {
      setConfirmation({
        title,
        message: `${describe(target)[0].toUpperCase()}${describe(target).slice(1)} will be deleted for good. This cannot be undone.`,
        confirmLabel,
        onConfirm: () => {
          setConfirmation(null);
          deleteForGood(target.folder, target.uids)
            .then(() => show(done))
            .catch((failure: unknown) => show(`That did not work: ${reason(failure)}`))
            .finally(afterChange);
        },
      });
    },
    [afterChange, show],
  );

  const moveTo = useCallback(
    (target: Target, to: string, flags: FlagChange[] = [], done?: string) => {
      const name = folders?.find((folder) => folder.path === to)?.name ?? to;
      execute({ folder: target.folder, uids: target.uids, flags, to }, done ?? `Moved ${describe(target)} to ${name}.`);
    },
    [execute, folders],
  );

  const perform = useCallback(
    (kind: BulkKind, target: Target) => {
      const flag = (name: FlagChange["flag"], add: boolean): FlagChange => ({ flag: name, add, uids: target.uids });
      const what = describe(target);
      const current = folders?.find((folder) => folder.path === target.folder)?.specialUse ?? null;
      switch (kind) {
        case "read":
          return execute({ folder: target.folder, uids: target.uids, flags: [flag("\\Seen", true)] }, `Marked ${what} as read.`);
        case "unread":
          return execute({ folder: target.folder, uids: target.uids, flags: [flag("\\Seen", false)] }, `Marked ${what} as unread.`);
        case "flag":
          return execute({ folder: target.folder, uids: target.uids, flags: [flag("\\Flagged", true)] }, `Flagged ${what}.`);
        case "unflag":
          return execute({ folder: target.folder, uids: target.uids, flags: [flag("\\Flagged", false)] }, `Unflagged ${what}.`);
        case "archive": {
          const archive = special("archive");
          if (!archive) return show("There is no Archive folder on this server.");
          return moveTo(target, archive.path, [], `Archived ${what}.`);
        }
        case "delete": {
          if (current === "trash") return destroy(target, "Delete for good?", "Delete for good", `Deleted ${what} for good.`);
          const trash = special("trash");
          if (!trash) return show("There is no Trash folder on this server.");
          return moveTo(target, trash.path, [], `Moved ${what} to Trash.`);
        }
        case "spam": {
          const junk = special("junk");
          if (!junk) return show("There is no Junk folder on this server.");
          return moveTo(target, junk.path, [flag("$Junk", true), flag("$NotJunk", false)], `Reported ${what} as spam.`);
        }
        case "not-spam":
          return moveTo(target, "INBOX", [flag("$NotJunk", true), flag("$Junk", false)], `Moved ${what} to Inbox, not spam.`);
      }
    },
    [destroy, execute, folders, moveTo, show, special],
  );

  const empty = useCallback(
    (folder: FolderSummary) => {
      const messages = folder.messages ?? 0;
      destroy({ folder: folder.path, uids: "all", count: messages }, `Empty ${folder.name}?`, `Empty ${folder.name}`, `${folder.name} is empty.`);
    },
    [destroy],
  );

  return { perform, moveTo, empty, toast, dismiss, confirmation, cancelConfirmation: () => setConfirmation(null) };
}
