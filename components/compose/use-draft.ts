"use client";

// The composer's saved draft: which version in Drafts it continues (UID) and the attachments that
// version carries, whether anything changed since, and one save at a time.
import { useCallback, useRef, useState } from "react";
import { isValidAddress, type OutgoingMessage, type SavedDraft } from "@/lib/user-agent/compose/types";
import type { Address, AttachmentInfo } from "@/lib/user-agent/mail/types";
import { discardDraft, saveDraft, type UploadProgress } from "./compose-api";

export type DraftStatus = "none" | "saving" | "saved" | "failed";

export function useDraft() {
  const [saved, setSaved] = useState<SavedDraft | null>(null);
  const [status, setStatus] = useState<DraftStatus>("none");
  // Refs as well as state: a save that finishes while a send or discard waits for it must be seen at once.
  const current = useRef<SavedDraft | null>(null);
  const version = useRef(0);
  const savedVersion = useRef(0);
  const saving = useRef<Promise<void> | null>(null);

  const adopt = useCallback((draft: SavedDraft | null) => {
    current.current = draft;
    setSaved(draft);
  }, []);

  /** Something was typed, added or removed. */
  const changed = useCallback(() => {
    version.current += 1;
  }, []);

  /** What is on screen is what Drafts holds (a draft just reopened). */
  const markClean = useCallback(() => {
    savedVersion.current = version.current;
  }, []);

  /** Keeps only these of the saved draft's attachments (one was removed). */
  const keepAttachments = useCallback(
    (attachments: AttachmentInfo[]) => {
      if (current.current) adopt({ ...current.current, attachments });
      version.current += 1;
    },
    [adopt],
  );

  /**
   * Saves `message` (with this draft's UID and attachments filled in) and the new `files`; `onSaved`
   * hears which files are now inside the draft, `onProgress` how much of them is uploaded. Resolves when
   * no save runs any more.
   */
  const save = useCallback(
    (message: Omit<OutgoingMessage, "draft" | "draftParts">, files: File[], onSaved: (files: File[]) => void, onProgress?: UploadProgress): Promise<void> => {
      if (saving.current) return saving.current;
      const at = version.current;
      const draft = current.current;
      setStatus("saving");
      // Addresses still being corrected stay on screen; the saved version has the ones that can be mailed.
      const mailable = (list: Address[]) => list.filter((recipient) => isValidAddress(recipient.address));
      const complete: OutgoingMessage = { ...message, to: mailable(message.to), cc: mailable(message.cc), bcc: mailable(message.bcc), draft: draft?.uid ?? null, draftParts: draft?.attachments.map((attachment) => attachment.part) ?? [] };
      const run = saveDraft(complete, files, onProgress)
        .then((next) => {
          adopt(next);
          savedVersion.current = at;
          setStatus("saved");
          onSaved(files);
        })
        .catch(() => setStatus("failed"))
        .finally(() => {
          saving.current = null;
        });
      saving.current = run;
      return run;
    },
    [adopt],
  );

  return {
    saved,
    status,
    adopt,
    changed,
    markClean,
    keepAttachments,
    save,
    isSaving: () => saving.current !== null,
    isDirty: () => version.current !== savedVersion.current,
    /** The draft fields of a message to send, read after any save in flight. */
    async settled(): Promise<Pick<OutgoingMessage, "draft" | "draftParts">> {
      await saving.current;
      return { draft: current.current?.uid ?? null, draftParts: current.current?.attachments.map((attachment) => attachment.part) ?? [] };
    },
    /** Removes the saved draft, if there is one. */
    async discard(): Promise<void> {
      await saving.current;
      const draft = current.current;
      if (draft) await discardDraft(draft.uid);
      adopt(null);
    },
  };
}
