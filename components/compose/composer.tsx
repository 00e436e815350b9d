"use client";

// The composer: a panel at the bottom right on wide screens, the whole screen on phones. From (the
// account, with a display name remembered in this browser), To/Cc/Bcc as chips, subject, rich text or
// plain text, attachments; a reply or forward starts from the original (fetched from the server), a
// reopened draft from its saved version. Drafts save themselves every few seconds after a change, when
// the composer is closed and when the page is hidden; Discard removes them. Files come by the picker or
// dropped anywhere on the composer, are uploaded into the draft at once with a progress bar, and are
// refused when the message would pass the server's size limit; images pasted or dropped into the text
// show inline.
import { Paperclip, Send, Trash2, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import { emlName, isValidAddress, type OriginalMessage, type OutgoingMessage } from "@/lib/user-agent/compose/types";
import type { Address, AttachmentInfo } from "@/lib/user-agent/mail/types";
import { defaultIdentity, identityForReply, sameAddress, type Identity } from "@/lib/user-agent/settings/types";
import { AttachmentList } from "./attachment-list";
import { useMailFormat } from "@/components/mail/format";
import { fetchDraft, fetchLimits, fetchOriginal, sendMessage } from "./compose-api";
import { carriesFiles, fileProgress, fitFiles, MAX_INLINE_IMAGE_BYTES, readDataUrl, type SizeRefusal } from "./files";
import type { ComposeRequest, SentNotice } from "./compose-host";
import { RecipientField } from "./recipient-field";
import { answerBody, answerRecipients, answerSubject, textToHtml } from "./reply";
import { EditorContent, plainTextOf, RichToolbar, useRichEditor } from "./rich-editor";
import { useDraft } from "./use-draft";
import { useExitSave } from "./use-exit-save";
import { fetchIdentities, useIdentities } from "./use-identities";
import { placeSignature, signatureText, swapSignatureText, type InsertedSignature } from "./signature";

/** An original longer than this is quoted behind a "show" button, as Gmail trims it: put into the editor at
 *  once, 1 MB of text kept the reply from opening for most of a second. It is sent either way. */
const HELD_QUOTE_CHARS = 50_000;

/** How often a changed message is saved to Drafts. */
const AUTOSAVE_MS = 3000;

const FIELD = "h-11 w-full min-w-0 bg-transparent text-sm outline-none";
const LINK_BUTTON = "min-h-9 rounded-lg px-2 text-sm text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800";
// TipTap's content has no styles of its own (Tailwind resets lists and quotes).
const BODY = "min-h-0 flex-1 overflow-y-auto text-sm [&_a]:text-indigo-700 [&_a]:underline [&_blockquote]:my-2 [&_blockquote]:border-l-4 [&_blockquote]:border-slate-300 [&_blockquote]:pl-3 [&_blockquote]:text-slate-600 [&_ol]:list-decimal [&_ol]:pl-6 [&_p]:my-1 [&_ul]:list-disc [&_ul]:pl-6 dark:[&_a]:text-indigo-300 dark:[&_blockquote]:text-slate-400";

/** The identity a message starts with: chosen in the composer, else the one its original was sent to, else the default. */
function startingIdentity(identities: Identity[] | null, chosen: string | null, request: ComposeRequest, original: OriginalMessage | null, account: string): Identity | null {
  if (!identities) return null;
  if (chosen) return identities.find((candidate) => sameAddress(candidate.address, chosen)) ?? null;
  if (request.mode === "new" || request.mode === "draft") return defaultIdentity(identities, account) ?? null;
  // An answer waits for its original, to know which address it was sent to.
  return original ? (identityForReply(identities, account, { to: original.to, cc: original.cc, deliveredTo: original.deliveredTo ?? [] }) ?? null) : null;
}

function ShowQuoted({ held, onShow }: { held: { text: string }; onShow: () => void }) {
  const tFiles = useTranslations("ComposeFiles");
  const format = useMailFormat();
  return (
    <button type="button" onClick={onShow} className="mx-3 mb-2 min-h-9 shrink-0 self-start rounded-lg border border-slate-300 px-3 text-sm text-slate-600 hover:bg-slate-100 dark:border-slate-700 dark:text-slate-300 dark:hover:bg-slate-800">
      {tFiles("showQuoted", { size: format.size(held.text.length) })}
    </button>
  );
}

export default function Composer({ request, address, onClose, onSent }: { request: ComposeRequest; address: string; onClose: () => void; onSent: (notice: SentNotice) => void }) {
  const t = useTranslations("Compose");
  const fromWords = useTranslations("ComposeFrom");
  const delivery = useTranslations("Delivery");
  const format = useMailFormat();
  // From: the identity chosen, else the one the message starts with (Settings → Identities); the name
  // typed here, else the identity's.
  const identities = useIdentities();
  const [chosenFrom, setChosenFrom] = useState<string | null>(null);
  const [typedName, setTypedName] = useState<string | null>(null);
  const [to, setTo] = useState<Address[]>([]);
  const [cc, setCc] = useState<Address[]>([]);
  const [bcc, setBcc] = useState<Address[]>([]);
  const [showCc, setShowCc] = useState(false);
  const [showBcc, setShowBcc] = useState(false);
  const [subject, setSubject] = useState("");
  const [plain, setPlain] = useState(false);
  const [plainText, setPlainText] = useState("");
  const [deliveryReports, setDeliveryReports] = useState(false);
  // New files, and the original's attachments a forward carries; once saved, both live in the draft.
  const [files, setFiles] = useState<File[]>([]);
  const [forwarded, setForwarded] = useState<AttachmentInfo[]>([]);
  // whole: "forward as attachment", until the first save puts the original into the draft.
  const carried = useRef<{ files: File[]; forwarded: AttachmentInfo[]; whole: boolean }>({ files: [], forwarded: [], whole: request.mode === "attach" });
  const [wholeName, setWholeName] = useState<string | null>(null);
  const [progress, setProgress] = useState<Map<File, number>>(new Map());
  const [maxBytes, setMaxBytes] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  // A long original's quote (or forwarded text), kept out of the editor until asked for; sent after the text.
  const [held, setHeld] = useState<{ html: string; text: string } | null>(null);
  const tFiles = useTranslations("ComposeFiles");
  const [original, setOriginal] = useState<OriginalMessage | null>(null);
  const [loading, setLoading] = useState(request.mode !== "new");
  const [busy, setBusy] = useState<"sending" | "closing" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement | null>(null);
  const draft = useDraft();
  const { changed } = draft;
  // The editor keeps the handler it was made with: it calls the newest through this ref.
  const onImages = useRef<(files: File[], at: number | null) => boolean>(() => false);
  const editor = useRichEditor("", t("body"), changed, (images, at) => onImages.current(images, at));
  const identity = startingIdentity(identities, chosenFrom, request, original, address);
  const fromName = typedName ?? identity?.displayName ?? "";
  // The signature put in for the identity shown: which, how many blocks in the editor, its text form.
  const signed = useRef<{ address: string | null; rich: InsertedSignature; text: string }>({ address: null, rich: { blocks: 0 }, text: "" });

  // The starting identity's signature goes in once the message is filled in (not into a reopened draft,
  // which has its own); it is no change of the user's to save.
  useEffect(() => {
    if (!editor || loading || plain || !identity || request.mode === "draft" || signed.current.address !== null) return;
    const clean = !draft.isDirty();
    signed.current = { address: identity.address, rich: placeSignature(editor, identity, { blocks: 0 }), text: signatureText(identity) };
    if (clean) draft.markClean();
  }, [editor, loading, plain, identity, request.mode, draft]);

  /** Another identity chosen: its name, and its signature in place of the one put in before. */
  const chooseIdentity = (chosenAddress: string) => {
    const next = identities?.find((candidate) => candidate.address === chosenAddress);
    if (!next) return;
    setChosenFrom(next.address);
    setTypedName(null);
    if (editor && !plain) signed.current = { ...signed.current, address: next.address, rich: placeSignature(editor, next, signed.current.rich) };
    else {
      const text = signatureText(next);
      setPlainText((current) => swapSignatureText(current, signed.current.text, text));
      signed.current = { ...signed.current, address: next.address, text };
    }
    changed();
  };

  const updateFiles = (next: File[]) => {
    carried.current.files = next;
    setFiles(next);
  };
  const updateForwarded = (next: AttachmentInfo[]) => {
    carried.current.forwarded = next;
    setForwarded(next);
  };
  /** A field's setter that also counts as a change to save. */
  const edit =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      changed();
    };

  // A reply, forward or reopened draft: fill in from the server once the editor is there.
  useEffect(() => {
    if (request.mode === "new" || !editor) return;
    const abort = new AbortController();
    const fill =
      request.mode === "draft"
        ? fetchDraft(request.uid, abort.signal).then((saved) => {
            setTo(saved.to);
            setCc(saved.cc);
            setBcc(saved.bcc);
            setShowCc(saved.cc.length > 0);
            setShowBcc(saved.bcc.length > 0);
            setSubject(saved.subject);
            // It continues as the identity it was saved with (an undone send, a reopened draft).
            if (saved.from) setChosenFrom(saved.from.address);
            if (saved.from?.name) setTypedName(saved.from.name);
            setPlain(saved.html === null);
            setPlainText(saved.text);
            editor.commands.setContent(saved.html ?? textToHtml(saved.text), { emitUpdate: false });
            draft.adopt({ uid: saved.uid, attachments: saved.attachments });
          })
        : Promise.all([fetchOriginal(request.folder, request.uid, abort.signal), fetchIdentities()]).then(([message, own]) => {
            // Forward as attachment starts empty: the original travels whole beside the text.
            const mode = request.mode === "attach" ? "forward" : request.mode;
            // Reply-all leaves out every address of the user's, aliases included.
            const recipients = answerRecipients(message, mode, [address, ...own.map((entry) => entry.address)]);
            const sender = message.from[0];
            const header =
              mode === "forward"
                ? t("forwardHeader", { from: sender ? `${sender.name} <${sender.address}>`.trim() : "", date: format.fullDate(message.date), subject: message.subject, to: message.to.map((entry) => entry.address).join(", ") })
                : t("quoteHeader", { date: format.fullDate(message.date), name: format.sender(sender) });
            const body = request.mode === "attach" ? { html: "", text: "" } : answerBody(message, mode, header);
            setOriginal(message);
            setTo(recipients.to);
            setCc(recipients.cc);
            setShowCc(recipients.cc.length > 0);
            setSubject(answerSubject(message.subject, mode));
            updateForwarded(request.mode === "forward" ? message.attachments : []);
            if (request.mode === "attach") setWholeName(emlName(message.subject));
            if (message.text.length > HELD_QUOTE_CHARS) {
              setHeld(body);
              editor.commands.setContent("<p></p>", { emitUpdate: false });
            } else {
              setPlainText(body.text);
              editor.commands.setContent(body.html, { emitUpdate: false });
            }
          });
    fill
      .then(() => {
        // What is on screen now is the saved draft, or nothing of the user's yet.
        draft.markClean();
        editor.commands.focus("start");
        setLoading(false);
      })
      .catch((failure: unknown) => {
        if (abort.signal.aborted) return;
        setError(failure instanceof Error ? failure.message : String(failure));
        setLoading(false);
      });
    return () => abort.abort();
    // draft, format and t keep their identity while composing; the fill runs once per request.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [request, editor, address]);

  /** The message as the composer holds it now, without the draft's own fields. */
  const outgoing = (): Omit<OutgoingMessage, "draft" | "draftParts"> => ({
    fromName: fromName.trim(),
    fromAddress: identity?.address,
    to,
    cc,
    bcc,
    subject,
    html: plain || !editor ? null : editor.getHTML() + (held?.html ?? ""),
    text: plain ? plainText + (held?.text ?? "") : "",
    deliveryReports,
    source: request.mode === "new" || request.mode === "draft" ? null : { folder: request.folder, uid: request.uid, mode: request.mode === "attach" ? "forward" : request.mode },
    forwardParts: carried.current.forwarded.map((attachment) => attachment.part),
    forwardAsAttachment: carried.current.whole,
  });

  const save = () => {
    const uploading = carried.current.files;
    return draft.save(
      outgoing(),
      uploading,
      (saved) => {
        updateFiles(carried.current.files.filter((file) => !saved.includes(file)));
        updateForwarded([]);
        carried.current.whole = false;
        setWholeName(null);
      },
      (sent, total) => setProgress(fileProgress(uploading, sent, total)),
    ).then(() => setProgress(new Map()));
  };
  // The interval calls the newest save, with the newest fields.
  const latestSave = useRef(save);
  useEffect(() => {
    latestSave.current = save;
  });
  useEffect(() => {
    if (loading || busy) return;
    const timer = setInterval(() => {
      if (draft.isDirty() && !draft.isSaving()) void latestSave.current();
    }, AUTOSAVE_MS);
    return () => clearInterval(timer);
  }, [loading, busy, draft]);

  // Not while sending or closing: a save racing the send could leave a draft of a sent message behind.
  useExitSave(() => busy === null && draft.isDirty(), draft.isSaving, () => void latestSave.current());

  useEffect(() => {
    fetchLimits().then(
      (limits) => setMaxBytes(limits.maxMessageBytes),
      // Unknown: the server still refuses what it cannot take, in words, when the draft is saved.
      () => setMaxBytes(null),
    );
  }, []);

  /** The sizes of what the message carries now, and its text's length, for the size estimate. */
  const carriedSizes = () => [...(draft.saved?.attachments ?? []), ...carried.current.forwarded].map((attachment) => attachment.size).concat(carried.current.files.map((file) => file.size));
  const bodyChars = () => (plain || !editor ? plainText.length : editor.getHTML().length);
  const refuse = (refusal: SizeRefusal) =>
    setError(tFiles("tooLarge", { name: refusal.file.name, size: format.size(refusal.file.size), total: format.size(refusal.total), limit: format.size(maxBytes ?? 0) }));

  /** Files picked or dropped: those that fit are attached and uploaded into the draft at once. */
  const addFiles = (added: File[]) => {
    const { accepted, refused } = fitFiles(added, bodyChars(), carriedSizes(), maxBytes);
    if (refused) refuse(refused);
    if (accepted.length === 0) return;
    edit(updateFiles)([...carried.current.files, ...accepted]);
    // After a save in flight, which does not carry these.
    void draft.settled().then(() => {
      if (draft.isDirty()) void latestSave.current();
    });
  };

  // Images pasted or dropped into the text: shown where they were put, as data: URLs the server turns into cid: parts.
  useEffect(() => {
    onImages.current = (images, at) => {
      if (!editor) return false;
      const oversized = images.find((file) => file.size > MAX_INLINE_IMAGE_BYTES);
      if (oversized) {
        setError(tFiles("imageTooLarge", { name: oversized.name, size: format.size(oversized.size), max: format.size(MAX_INLINE_IMAGE_BYTES) }));
        return true;
      }
      const { accepted, refused } = fitFiles(images, bodyChars(), carriedSizes(), maxBytes);
      if (refused) refuse(refused);
      void Promise.all(accepted.map(readDataUrl)).then(
        (sources) => {
          const chain = at === null ? editor.chain().focus() : editor.chain().focus().setTextSelection(at);
          chain.insertContent(sources.map((src) => ({ type: "image", attrs: { src } }))).run();
        },
        () => setError(tFiles("imageUnreadable")),
      );
      return true;
    };
  });

  /** The held quote put where it belongs, to be edited like the rest. */
  const showHeld = () => {
    if (!held || !editor) return;
    if (plain) setPlainText(plainText + held.text);
    else editor.commands.insertContentAt(editor.state.doc.content.size, held.html);
    setHeld(null);
  };

  const switchMode = (toPlain: boolean) => {
    if (!editor) return;
    if (toPlain) setPlainText(plainTextOf(editor));
    else editor.commands.setContent(textToHtml(plainText));
    setPlain(toPlain);
    changed();
  };

  /** Closing keeps the message: saved to Drafts first when anything changed. */
  const close = async () => {
    if (busy) return;
    setBusy("closing");
    if (draft.isDirty()) await save();
    if (draft.isDirty()) {
      setBusy(null);
      setError(t("draftFailed"));
      return;
    }
    onClose();
  };

  const discard = async () => {
    if (busy) return;
    setBusy("closing");
    try {
      await draft.discard();
      onClose();
    } catch (failure) {
      setBusy(null);
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  const send = useCallback(async () => {
    if (!editor || busy) return;
    const everyone = [...to, ...cc, ...bcc];
    if (everyone.length === 0) return setError(t("noRecipients"));
    const invalid = everyone.filter((recipient) => !isValidAddress(recipient.address));
    if (invalid.length > 0) return setError(t("fixAddresses", { addresses: invalid.map((recipient) => recipient.address).join(", ") }));
    setBusy("sending");
    setError(null);
    try {
      // A save in flight first: it may have moved files and forwarded parts into the draft.
      const saved = await draft.settled();
      const result = await sendMessage({ ...outgoing(), ...saved }, carried.current.files);
      if (result.ok) return onSent("scheduled" in result ? { rejected: [], scheduled: result.scheduled } : { rejected: result.rejected });
      if (result.draft) {
        draft.adopt(result.draft);
        updateFiles([]);
        updateForwarded([]);
      }
      setError(`${t(`failure.${result.failure}`, { detail: result.detail })}${result.draft ? ` ${t("keptInDrafts")}` : ""}`);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(null);
    }
    // outgoing reads the state listed here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editor, busy, to, cc, bcc, subject, plain, plainText, deliveryReports, fromName, identity, draft, onSent, t, held]);

  const title = request.mode === "new" ? t("newMessage") : request.mode === "attach" ? t("forwardAsAttachment") : t(`title.${request.mode}`);
  const attachments = [
    ...(wholeName === null
      ? []
      : [{ key: "whole", name: wholeName, size: null, remove: () => {
          carried.current.whole = false;
          setWholeName(null);
          changed();
        } }]),
    ...(draft.saved?.attachments ?? []).map((attachment) => ({ key: `draft:${attachment.part}`, name: attachment.filename, size: attachment.size, remove: () => draft.keepAttachments((draft.saved?.attachments ?? []).filter((entry) => entry !== attachment)) })),
    ...forwarded.map((attachment) => ({ key: `part:${attachment.part}`, name: attachment.filename, size: attachment.size, remove: () => edit(updateForwarded)(forwarded.filter((entry) => entry !== attachment)) })),
    ...files.map((file, index) => ({ key: `file:${index}:${file.name}`, name: file.name, size: file.size, progress: progress.get(file), remove: () => edit(updateFiles)(files.filter((entry) => entry !== file)) })),
  ];
  return (
    <section
      aria-label={title}
      onKeyDown={(event) => {
        if (event.key === "Escape") void close();
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void send();
      }}
      onDragOver={(event) => {
        if (!carriesFiles(event.dataTransfer)) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!(event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget))) setDragging(false);
      }}
      onDrop={(event) => {
        setDragging(false);
        // Images dropped into the text were taken by the editor.
        if (event.defaultPrevented || !carriesFiles(event.dataTransfer)) return;
        event.preventDefault();
        addFiles([...event.dataTransfer.files]);
      }}
      className="fixed inset-0 z-40 flex flex-col bg-white md:inset-auto md:right-4 md:bottom-0 md:h-[min(42rem,calc(100dvh-4rem))] md:w-[38rem] md:rounded-t-xl md:border md:border-slate-300 md:shadow-2xl dark:bg-slate-900 dark:md:border-slate-700"
    >
      <header className="flex h-12 shrink-0 items-center gap-2 border-b border-slate-200 pr-1 pl-4 md:rounded-t-xl md:bg-slate-100 dark:border-slate-800 dark:md:bg-slate-800">
        <h2 className="min-w-0 flex-1 truncate text-sm font-semibold">{subject || title}</h2>
        <button type="button" onClick={() => void close()} aria-label={t("close")} title={t("close")} className="inline-flex size-11 items-center justify-center rounded-lg hover:bg-slate-200 dark:hover:bg-slate-700">
          <X aria-hidden="true" className="size-5" />
        </button>
      </header>
      <div className="flex min-h-11 items-center gap-2 border-b border-slate-200 px-3 text-sm dark:border-slate-800">
        <span className="w-10 shrink-0 text-slate-500 dark:text-slate-400">{t("from")}</span>
        <input value={fromName} onChange={(event) => edit(setTypedName)(event.target.value)} placeholder={t("yourName")} aria-label={t("yourName")} className={`${FIELD} max-w-48`} />
        {identities && identities.length > 1 ? (
          <select value={identity?.address} onChange={(event) => chooseIdentity(event.target.value)} aria-label={fromWords("address")} className="h-11 min-w-0 flex-1 truncate rounded-lg bg-transparent text-sm text-slate-700 md:h-9 dark:text-slate-300">
            {identities.map((candidate) => (
              <option key={candidate.address} value={candidate.address}>
                {candidate.address}
              </option>
            ))}
          </select>
        ) : (
          <span className="truncate text-slate-600 dark:text-slate-400">&lt;{identity?.address ?? address}&gt;</span>
        )}
      </div>
      <div className="flex items-start">
        <div className="min-w-0 flex-1">
          <RecipientField label={t("to")} value={to} onChange={edit(setTo)} autoFocus={request.mode === "new" || request.mode === "forward"} />
        </div>
        <div className="flex h-11 shrink-0 items-center border-b border-slate-200 pr-2 dark:border-slate-800">
          {!showCc && (
            <button type="button" onClick={() => setShowCc(true)} className={LINK_BUTTON}>
              {t("cc")}
            </button>
          )}
          {!showBcc && (
            <button type="button" onClick={() => setShowBcc(true)} className={LINK_BUTTON}>
              {t("bcc")}
            </button>
          )}
        </div>
      </div>
      {showCc && <RecipientField label={t("cc")} value={cc} onChange={edit(setCc)} />}
      {showBcc && <RecipientField label={t("bcc")} value={bcc} onChange={edit(setBcc)} />}
      <div className="border-b border-slate-200 px-3 dark:border-slate-800">
        <input value={subject} onChange={(event) => edit(setSubject)(event.target.value)} placeholder={t("subject")} aria-label={t("subject")} maxLength={998} className={FIELD} />
      </div>
      <div className="flex items-center gap-2 border-b border-slate-200 px-2 py-1 dark:border-slate-800">
        {!plain && editor && <RichToolbar editor={editor} />}
        <span className="flex-1" />
        <label className="flex min-h-9 items-center gap-2 px-2 text-sm text-slate-600 dark:text-slate-300">
          <input type="checkbox" checked={plain} onChange={(event) => switchMode(event.target.checked)} />
          {t("plainText")}
        </label>
        <label className="flex min-h-9 items-center gap-2 px-2 text-sm text-slate-600 dark:text-slate-300">
          <input type="checkbox" checked={deliveryReports} onChange={(event) => setDeliveryReports(event.target.checked)} />
          {delivery("request")}
        </label>
      </div>
      {loading && <div aria-hidden="true" className="m-3 h-32 animate-pulse rounded bg-slate-100 dark:bg-slate-800" />}
      <div hidden={loading || plain} className={BODY}>
        <EditorContent editor={editor} />
        {held && !plain && <ShowQuoted held={held} onShow={() => showHeld()} />}
      </div>
      {plain && !loading && held && <ShowQuoted held={held} onShow={() => showHeld()} />}
      {plain && !loading && (
        <textarea
          value={plainText}
          onChange={(event) => edit(setPlainText)(event.target.value)}
          aria-label={t("body")}
          className="min-h-0 flex-1 resize-none bg-transparent px-3 py-2 font-mono text-sm outline-none"
        />
      )}
      <AttachmentList attachments={attachments} />
      {dragging && (
        <div aria-hidden="true" className="pointer-events-none absolute inset-2 z-10 flex items-center justify-center rounded-xl border-2 border-dashed border-indigo-500 bg-indigo-50/90 text-sm font-medium text-indigo-800 dark:bg-indigo-950/90 dark:text-indigo-200">
          {tFiles("dropHere")}
        </div>
      )}
      {error && (
        <p role="alert" className="shrink-0 border-t border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          {error}
        </p>
      )}
      <footer className="flex shrink-0 items-center gap-2 border-t border-slate-200 p-2 dark:border-slate-800">
        <button
          type="button"
          onClick={() => void send()}
          disabled={busy !== null || loading}
          className="inline-flex min-h-11 items-center gap-2 rounded-lg bg-indigo-600 px-5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-60"
        >
          <Send aria-hidden="true" className="size-4" />
          {busy === "sending" ? t("sending") : t("send")}
        </button>
        <button type="button" onClick={() => picker.current?.click()} aria-label={t("attach")} title={t("attach")} className="inline-flex size-11 items-center justify-center rounded-lg hover:bg-slate-100 dark:hover:bg-slate-800">
          <Paperclip aria-hidden="true" className="size-5" />
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          onChange={(event) => {
            const picked = [...(event.target.files ?? [])];
            if (picked.length > 0) addFiles(picked);
            event.target.value = "";
          }}
        />
        <span aria-live="polite" className="min-w-0 flex-1 truncate text-xs text-slate-500">
          {draft.status === "saving" ? t("draftSaving") : draft.status === "saved" ? t("draftSaved") : draft.status === "failed" ? t("draftFailed") : original ? t("answering", { subject: format.subject(original.subject) }) : ""}
        </span>
        <button type="button" onClick={() => void discard()} aria-label={t("discard")} title={t("discard")} className="inline-flex size-11 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800">
          <Trash2 aria-hidden="true" className="size-5" />
        </button>
      </footer>
    </section>
  );
}
