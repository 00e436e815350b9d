"use client";

// The composer's rich text: TipTap with bold, italic, lists, links and quotes (StarterKit brings Link),
// images pasted or dropped in (kept as data: URLs until the server makes them cid: parts), a toolbar,
// and the same content as plain text for the plain-text mode.
import Image from "@tiptap/extension-image";
import { EditorContent, getText, useEditor, useEditorState, type Editor, type TextSerializer } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { Bold, Italic, Link as LinkIcon, List, ListOrdered, Quote } from "lucide-react";
import { useTranslations } from "next-intl";
import { quoteText } from "./reply";

const SERIALIZERS: Record<string, TextSerializer> = {
  blockquote: ({ node }) => quoteText(getText(node, { blockSeparator: "\n", textSerializers: SERIALIZERS })),
  listItem: ({ node, parent, index }) => `${parent.type.name === "orderedList" ? `${index + 1}.` : "-"} ${getText(node, { blockSeparator: "\n", textSerializers: SERIALIZERS })}`,
  hardBreak: () => "\n",
};

/** The editor's content as plain text: quotes behind "> ", list items with "-" or their number. */
export function plainTextOf(editor: Editor): string {
  return editor.getText({ blockSeparator: "\n", textSerializers: SERIALIZERS });
}

/** Image files among what was pasted or dropped (a screenshot, a photo dragged in). */
function imageFiles(data: DataTransfer | null): File[] {
  return [...(data?.files ?? [])].filter((file) => file.type.startsWith("image/"));
}

/**
 * `onImages` is handed images pasted or dropped into the text, with where they go (a document position,
 * or null for the cursor); it answers false to let the drop fall through to the composer (attachments).
 */
export function useRichEditor(initialHtml: string, label: string, onUpdate: () => void, onImages: (files: File[], at: number | null) => boolean): Editor | null {
  return useEditor({
    extensions: [
      StarterKit.configure({
        heading: false,
        code: false,
        codeBlock: false,
        horizontalRule: false,
        link: { openOnClick: false, autolink: true, defaultProtocol: "https", protocols: ["mailto"] },
      }),
      Image.configure({ inline: true, allowBase64: true, HTMLAttributes: { class: "inline-block max-w-full" } }),
    ],
    content: initialHtml,
    // The composer renders in the browser only; nothing to hydrate.
    immediatelyRender: false,
    editorProps: {
      attributes: { "aria-label": label, "aria-multiline": "true", role: "textbox", class: "compose-body min-h-40 px-3 py-2 outline-none" },
      handlePaste: (_view, event) => {
        const images = imageFiles(event.clipboardData);
        return images.length > 0 && onImages(images, null);
      },
      handleDrop: (view, event, _slice, moved) => {
        const files = [...(event.dataTransfer?.files ?? [])];
        const images = imageFiles(event.dataTransfer);
        // Other files (and a mix) are attachments: the composer's own drop target takes them.
        if (moved || images.length === 0 || images.length !== files.length) return false;
        const at = view.posAtCoords({ left: event.clientX, top: event.clientY })?.pos ?? null;
        return onImages(images, at);
      },
    },
    onUpdate,
  });
}

const TOOL = "inline-flex size-9 items-center justify-center rounded-lg hover:bg-slate-100 aria-pressed:bg-indigo-100 aria-pressed:text-indigo-800 dark:hover:bg-slate-800 dark:aria-pressed:bg-indigo-950 dark:aria-pressed:text-indigo-200";

export function RichToolbar({ editor }: { editor: Editor }) {
  const t = useTranslations("Compose");
  const active = useEditorState({
    editor,
    selector: ({ editor: current }) => ({
      bold: current.isActive("bold"),
      italic: current.isActive("italic"),
      bulletList: current.isActive("bulletList"),
      orderedList: current.isActive("orderedList"),
      blockquote: current.isActive("blockquote"),
      link: current.isActive("link"),
    }),
  });
  const chain = () => editor.chain().focus();
  const editLink = () => {
    const current = editor.getAttributes("link").href as string | undefined;
    const href = window.prompt(t("linkPrompt"), current ?? "https://");
    if (href === null) return;
    if (href.trim() === "") chain().extendMarkRange("link").unsetLink().run();
    else chain().extendMarkRange("link").setLink({ href: href.trim() }).run();
  };
  const tools = [
    { key: "bold", icon: Bold, pressed: active.bold, run: () => chain().toggleBold().run() },
    { key: "italic", icon: Italic, pressed: active.italic, run: () => chain().toggleItalic().run() },
    { key: "bulletList", icon: List, pressed: active.bulletList, run: () => chain().toggleBulletList().run() },
    { key: "orderedList", icon: ListOrdered, pressed: active.orderedList, run: () => chain().toggleOrderedList().run() },
    { key: "blockquote", icon: Quote, pressed: active.blockquote, run: () => chain().toggleBlockquote().run() },
    { key: "link", icon: LinkIcon, pressed: active.link, run: editLink },
  ] as const;
  return (
    <div role="toolbar" aria-label={t("formatting")} className="flex flex-wrap gap-0.5">
      {tools.map(({ key, icon: Icon, pressed, run }) => (
        <button key={key} type="button" aria-pressed={pressed} aria-label={t(`format.${key}`)} title={t(`format.${key}`)} onClick={run} className={TOOL}>
          <Icon aria-hidden="true" className="size-4" />
        </button>
      ))}
    </div>
  );
}

export { EditorContent };
