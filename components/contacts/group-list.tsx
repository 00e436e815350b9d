"use client";

// The address book's groups: a filter for the list, and where groups are added, renamed and removed.
import { Check, Pencil, Plus, Trash2, Users } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { LIMITS, type GroupView } from "@/lib/user-agent/contacts/types";

const ROW = "flex min-h-11 w-full items-center gap-2 rounded-lg px-3 text-left text-sm";
const ICON_BUTTON = "inline-flex size-11 shrink-0 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-200 dark:text-slate-300 dark:hover:bg-slate-800";

function NameForm({ initial, label, onSubmit, onDone }: { initial: string; label: string; onSubmit: (name: string) => Promise<void>; onDone: () => void }) {
  const [name, setName] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) onSubmit(name.trim()).then(onDone, () => undefined);
  };
  return (
    <form onSubmit={submit} className="flex gap-1">
      <input aria-label={label} value={name} maxLength={LIMITS.groupName} autoFocus onChange={(event) => setName(event.target.value)} onKeyDown={(event) => event.key === "Escape" && onDone()} className="min-h-11 min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-2 text-sm dark:border-slate-700 dark:bg-slate-950" />
      <button type="submit" aria-label={label} className={ICON_BUTTON}>
        <Check aria-hidden="true" className="size-4" />
      </button>
    </form>
  );
}

export function GroupList({ groups, total, current, onSelect, onAdd, onRename, onDelete }: { groups: GroupView[]; total: number; current: number | null; onSelect: (id: number | null) => void; onAdd: (name: string) => Promise<void>; onRename: (id: number, name: string) => Promise<void>; onDelete: (group: GroupView) => void }) {
  const t = useTranslations("Contacts");
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<number | null>(null);
  const item = (selected: boolean) => `${ROW} ${selected ? "bg-indigo-50 font-medium text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`;
  return (
    <nav aria-label={t("groups")} className="space-y-1 p-2">
      <button type="button" aria-current={current === null ? "true" : undefined} onClick={() => onSelect(null)} className={item(current === null)}>
        <Users aria-hidden="true" className="size-4" />
        <span className="flex-1">{t("all")}</span>
        <span className="text-xs text-slate-500">{total}</span>
      </button>
      <h2 className="px-3 pt-3 text-xs font-semibold tracking-wide text-slate-500 uppercase">{t("groups")}</h2>
      <ul className="space-y-1">
        {groups.map((group) => (
          <li key={group.id} className="flex items-center">
            {renaming === group.id ? (
              <div className="flex-1">
                <NameForm initial={group.name} label={t("renameGroup", { name: group.name })} onSubmit={(name) => onRename(group.id, name)} onDone={() => setRenaming(null)} />
              </div>
            ) : (
              <>
                <button type="button" aria-current={current === group.id ? "true" : undefined} onClick={() => onSelect(group.id)} className={`${item(current === group.id)} min-w-0 flex-1`}>
                  <span className="min-w-0 flex-1 truncate">{group.name}</span>
                  <span className="text-xs text-slate-500" aria-label={t("members", { count: group.members.length })}>
                    {group.members.length}
                  </span>
                </button>
                {current === group.id && (
                  <>
                    <button type="button" aria-label={t("renameGroup", { name: group.name })} title={t("renameGroup", { name: group.name })} onClick={() => setRenaming(group.id)} className={ICON_BUTTON}>
                      <Pencil aria-hidden="true" className="size-4" />
                    </button>
                    <button type="button" aria-label={t("deleteGroup", { name: group.name })} title={t("deleteGroup", { name: group.name })} onClick={() => onDelete(group)} className={ICON_BUTTON}>
                      <Trash2 aria-hidden="true" className="size-4" />
                    </button>
                  </>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
      {adding ? (
        <NameForm initial="" label={t("createGroup")} onSubmit={onAdd} onDone={() => setAdding(false)} />
      ) : (
        <button type="button" onClick={() => setAdding(true)} className={`${ROW} text-indigo-700 hover:bg-slate-100 dark:text-indigo-300 dark:hover:bg-slate-800`}>
          <Plus aria-hidden="true" className="size-4" />
          {t("newGroup")}
        </button>
      )}
    </nav>
  );
}
