"use client";

// The ordered filters: each a card with its conditions (all or any) and actions, moved up or down
// (the first that matches decides), added and removed. Folders come from the user's IMAP folder list.
import { ArrowDown, ArrowUp, Plus, Trash2, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { Fragment, useId, type ReactNode } from "react";
import { buttonStyles } from "@/components/mail/modal";
import { FIELD, HINT } from "../controls";
import { ACTION_TYPES, CONDITION_FIELDS, MAX_FILTERS, newAction, newCondition, newFilter, type ActionType, type ConditionField, type Filter, type FilterAction, type FilterCondition } from "./types";

/** A filter in the form, with a key that stays with it as it moves. */
export type EditedFilter = Filter & { key: number };

const ICON_BUTTON =
  "inline-flex size-11 shrink-0 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:opacity-40 md:size-9 dark:text-slate-300 dark:hover:bg-slate-800";
const KB = 1024;
/** A field as wide as its content or its own width class (FIELD fills the row). */
const NARROW_FIELD = FIELD.replace("w-full ", "");

function replaceAt<T>(list: T[], index: number, item: T): T[] {
  return list.map((existing, i) => (i === index ? item : existing));
}

interface RowEdit<T> {
  onChange: (item: T) => void;
  onRemove: () => void;
  canRemove: boolean;
}

/** Conditions or actions: rows edited in place, removed (never the last one), and added up to max. */
function RowList<T>({ items, max, addLabel, create, onChange, row }: { items: T[]; max: number; addLabel: string; create: () => T; onChange: (items: T[]) => void; row: (item: T, edit: RowEdit<T>) => ReactNode }) {
  return (
    <>
      <ul className="flex flex-col gap-2">
        {items.map((item, i) => (
          <Fragment key={i}>{row(item, { onChange: (next) => onChange(replaceAt(items, i, next)), onRemove: () => onChange(items.filter((_, j) => j !== i)), canRemove: items.length > 1 })}</Fragment>
        ))}
      </ul>
      <button type="button" className={`${buttonStyles.quiet} self-start`} disabled={items.length >= max} onClick={() => onChange([...items, create()])}>
        <Plus aria-hidden="true" className="size-4" /> {addLabel}
      </button>
    </>
  );
}

function ConditionRow({ condition, onChange, onRemove, canRemove }: { condition: FilterCondition } & RowEdit<FilterCondition>) {
  const t = useTranslations("Rules");
  return (
    <li className="flex items-start gap-2">
      <div className="flex min-w-0 flex-1 flex-col gap-2 sm:flex-row sm:items-center">
        <select
          aria-label={t("conditionField")}
          value={condition.field}
          onChange={(event) => onChange(newCondition(CONDITION_FIELDS.find((f) => f === event.target.value) ?? "from"))}
          className={`${FIELD} sm:w-40`}
        >
          {CONDITION_FIELDS.map((field) => (
            <option key={field} value={field}>
              {t(`fields.${field}`)}
            </option>
          ))}
        </select>
        {condition.field === "size" ? (
          <label className="flex min-w-0 flex-1 items-center gap-2 text-sm">
            <span className="shrink-0">{t("largerThan")}</span>
            <input
              type="number"
              min={0}
              inputMode="numeric"
              aria-label={t("sizeKb")}
              value={Math.round(condition.greaterThan / KB)}
              onChange={(event) => onChange({ field: "size", greaterThan: Math.max(0, Math.round(Number(event.target.value) || 0)) * KB })}
              className={`${NARROW_FIELD} w-28`}
            />
            <span className="shrink-0">KB</span>
          </label>
        ) : (
          <input
            aria-label={t("contains")}
            placeholder={t("contains")}
            value={condition.contains}
            maxLength={200}
            onChange={(event) => onChange({ field: condition.field, contains: event.target.value })}
            className={`${FIELD} min-w-0 flex-1`}
          />
        )}
      </div>
      <button type="button" className={ICON_BUTTON} onClick={onRemove} disabled={!canRemove} aria-label={t("removeCondition")} title={t("removeCondition")}>
        <X aria-hidden="true" className="size-4" />
      </button>
    </li>
  );
}

function ActionRow({ action, folders, onChange, onRemove, canRemove }: { action: FilterAction; folders: string[] } & RowEdit<FilterAction>) {
  const t = useTranslations("Rules");
  return (
    <li className="flex items-start gap-2">
      <div className="flex min-w-0 flex-1 flex-col gap-2 sm:flex-row sm:items-center">
        <select
          aria-label={t("actionType")}
          value={action.type}
          onChange={(event) => onChange(newAction(ACTION_TYPES.find((a) => a === event.target.value) ?? "move", folders[0] ?? ""))}
          className={`${FIELD} sm:w-48`}
        >
          {ACTION_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`actions.${type}`)}
            </option>
          ))}
        </select>
        {action.type === "move" && (
          <select aria-label={t("folder")} value={action.folder} onChange={(event) => onChange({ type: "move", folder: event.target.value })} className={`${FIELD} min-w-0 flex-1`}>
            {!folders.includes(action.folder) && <option value={action.folder}>{action.folder || t("chooseFolder")}</option>}
            {folders.map((folder) => (
              <option key={folder} value={folder}>
                {folder}
              </option>
            ))}
          </select>
        )}
        {action.type === "forward" && (
          <input
            type="email"
            aria-label={t("forwardAddress")}
            placeholder="someone@example.org"
            value={action.to}
            onChange={(event) => onChange({ type: "forward", to: event.target.value })}
            className={`${FIELD} min-w-0 flex-1`}
          />
        )}
      </div>
      <button type="button" className={ICON_BUTTON} onClick={onRemove} disabled={!canRemove} aria-label={t("removeAction")} title={t("removeAction")}>
        <X aria-hidden="true" className="size-4" />
      </button>
    </li>
  );
}

function FilterCard({ filter, index, count, folders, onChange, onMove, onRemove }: {
  filter: EditedFilter;
  index: number;
  count: number;
  folders: string[];
  onChange: (filter: EditedFilter) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const t = useTranslations("Rules");
  const nameId = useId();
  const label = filter.name.trim() || t("filterNumber", { number: index + 1 });
  return (
    <li role="group" aria-label={label} className="flex flex-col gap-3 rounded-lg border border-slate-200 p-3 dark:border-slate-800">
      <div className="flex items-center gap-1">
        <label htmlFor={nameId} className="sr-only">
          {t("filterName")}
        </label>
        <input id={nameId} value={filter.name} maxLength={100} placeholder={t("filterNumber", { number: index + 1 })} onChange={(event) => onChange({ ...filter, name: event.target.value })} className={`${FIELD} min-w-0 flex-1`} />
        <button type="button" className={ICON_BUTTON} onClick={() => onMove(-1)} disabled={index === 0} aria-label={t("moveUp", { name: label })} title={t("moveUp", { name: label })}>
          <ArrowUp aria-hidden="true" className="size-4" />
        </button>
        <button type="button" className={ICON_BUTTON} onClick={() => onMove(1)} disabled={index === count - 1} aria-label={t("moveDown", { name: label })} title={t("moveDown", { name: label })}>
          <ArrowDown aria-hidden="true" className="size-4" />
        </button>
        <button type="button" className={ICON_BUTTON} onClick={onRemove} aria-label={t("removeFilter", { name: label })} title={t("removeFilter", { name: label })}>
          <Trash2 aria-hidden="true" className="size-4" />
        </button>
      </div>
      <div className="flex flex-col gap-2">
        <label className="flex flex-wrap items-center gap-2 text-sm font-medium">
          {t("when")}
          <select aria-label={t("match")} value={filter.match} onChange={(event) => onChange({ ...filter, match: event.target.value === "any" ? "any" : "all" })} className={NARROW_FIELD}>
            <option value="all">{t("matchAll")}</option>
            <option value="any">{t("matchAny")}</option>
          </select>
        </label>
        <RowList
          items={filter.conditions}
          max={10}
          addLabel={t("addCondition")}
          create={() => newCondition("subject" satisfies ConditionField)}
          onChange={(conditions) => onChange({ ...filter, conditions })}
          row={(condition, edit) => <ConditionRow condition={condition} {...edit} />}
        />
      </div>
      <div className="flex flex-col gap-2">
        <p className="text-sm font-medium">{t("then")}</p>
        <RowList
          items={filter.actions}
          max={5}
          addLabel={t("addAction")}
          create={() => newAction("markRead" satisfies ActionType)}
          onChange={(actions) => onChange({ ...filter, actions })}
          row={(action, edit) => <ActionRow action={action} folders={folders} {...edit} />}
        />
      </div>
    </li>
  );
}

export function FiltersEditor({ filters, folders, onChange, nextKey }: { filters: EditedFilter[]; folders: string[]; onChange: (filters: EditedFilter[]) => void; nextKey: () => number }) {
  const t = useTranslations("Rules");
  const move = (index: number, by: -1 | 1) => {
    const target = index + by;
    if (target < 0 || target >= filters.length) return;
    const next = [...filters];
    [next[index], next[target]] = [next[target], next[index]];
    onChange(next);
  };
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-1 text-sm font-medium">{t("filters")}</legend>
      <p className={HINT}>{t("filtersHint")}</p>
      {filters.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-300">{t("noFilters")}</p>}
      <ol className="flex flex-col gap-3">
        {filters.map((filter, index) => (
          <FilterCard
            key={filter.key}
            filter={filter}
            index={index}
            count={filters.length}
            folders={folders}
            onChange={(next) => onChange(replaceAt(filters, index, next))}
            onMove={(by) => move(index, by)}
            onRemove={() => onChange(filters.filter((_, i) => i !== index))}
          />
        ))}
      </ol>
      <button
        type="button"
        className={`${buttonStyles.quiet} self-start`}
        disabled={filters.length >= MAX_FILTERS}
        onClick={() => onChange([...filters, { ...newFilter(folders.find((f) => f !== "INBOX") ?? "INBOX"), key: nextKey() }])}
      >
        <Plus aria-hidden="true" className="size-4" /> {t("addFilter")}
      </button>
    </fieldset>
  );
}
