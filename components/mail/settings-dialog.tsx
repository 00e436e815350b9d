"use client";

// Settings reached from the header: how the webmail looks. Each choice applies at once and is kept.
import { READING_PANES, THEMES, type Preferences } from "@/lib/web/preferences";
import { Modal, buttonStyles } from "./modal";
import type { SetPreference } from "./use-preferences";

const THEME_LABELS: Record<Preferences["theme"], string> = { system: "Same as the system", light: "Light", dark: "Dark" };
const PANE_LABELS: Record<Preferences["readingPane"], string> = { right: "Right of the list", bottom: "Below the list", off: "Off: a message opens in place of the list" };

function Choice<V extends string>({
  legend,
  hint,
  name,
  values,
  labels,
  value,
  onChange,
}: {
  legend: string;
  hint?: string;
  name: string;
  values: readonly V[];
  labels: Record<V, string>;
  value: V;
  onChange: (value: V) => void;
}) {
  return (
    <fieldset className="flex flex-col gap-1">
      <legend className="mb-1 text-sm font-medium">{legend}</legend>
      {hint && <p className="mb-1 text-xs text-slate-500 dark:text-slate-400">{hint}</p>}
      {values.map((option) => (
        <label key={option} className="flex min-h-11 cursor-pointer items-center gap-3 rounded-lg px-2 text-sm hover:bg-slate-100 md:min-h-9 dark:hover:bg-slate-800">
          <input
            type="radio"
            name={name}
            value={option}
            checked={value === option}
            onChange={() => onChange(option)}
            className="size-4 accent-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          />
          {labels[option]}
        </label>
      ))}
    </fieldset>
  );
}

export function SettingsDialog({ preferences, onChange, onClose, onShortcuts }: { preferences: Preferences; onChange: SetPreference; onClose: () => void; onShortcuts: () => void }) {
  return (
    <Modal title="Settings" onClose={onClose}>
      <Choice legend="Theme" name="theme" values={THEMES} labels={THEME_LABELS} value={preferences.theme} onChange={(theme) => onChange("theme", theme)} />
      <Choice
        legend="Reading pane"
        hint="On a phone, the list and the message take the screen in turn."
        name="reading-pane"
        values={READING_PANES}
        labels={PANE_LABELS}
        value={preferences.readingPane}
        onChange={(position) => onChange("readingPane", position)}
      />
      <div className="flex flex-wrap items-center justify-between gap-2">
        <button type="button" className={buttonStyles.quiet} onClick={onShortcuts}>
          Keyboard shortcuts <kbd className="ml-1 font-mono text-xs text-slate-500">?</kbd>
        </button>
        <button type="button" className={buttonStyles.primary} onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}
