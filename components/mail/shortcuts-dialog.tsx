"use client";

import { useTranslations } from "next-intl";
import { Modal, buttonStyles } from "./modal";
import { SHORTCUTS } from "./shortcuts";

const KEY = "inline-flex min-w-6 items-center justify-center rounded border border-slate-300 bg-slate-50 px-1.5 font-mono text-xs dark:border-slate-600 dark:bg-slate-800";

/** The list of keyboard shortcuts ("?"). */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const t = useTranslations("Shortcuts");
  return (
    <Modal title={t("title")} onClose={onClose}>
      <dl className="grid grid-cols-[auto_1fr] items-center gap-x-4 gap-y-2 text-sm">
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.action} className="contents">
            <dt className="flex gap-1">
              {shortcut.keys.map((key, index) => (
                <span key={key} className="flex items-center gap-1">
                  {index > 0 && <span className="text-slate-500">{shortcut.action === "open" ? "/" : "+"}</span>}
                  <kbd className={KEY}>{key}</kbd>
                </span>
              ))}
            </dt>
            <dd>{t(shortcut.action)}</dd>
          </div>
        ))}
      </dl>
      <div className="flex justify-end">
        <button type="button" className={buttonStyles.primary} onClick={onClose} autoFocus>
          {t("close")}
        </button>
      </div>
    </Modal>
  );
}
