"use client";

// Gmail's keyboard shortcuts for what this webmail does. A key is a shortcut only when nobody is typing:
// not in a field, not with Ctrl, Meta or Alt held, not inside a dialog; Enter only where it would not
// press a focused control anyway.
import { useEffect, useRef } from "react";

export type ShortcutAction = "next" | "previous" | "open" | "back" | "archive" | "delete" | "flag" | "read" | "unread" | "compose" | "reply" | "replyAll" | "forward" | "search" | "select" | "help";

/** In the order the help dialog lists them (its words are Shortcuts.<action> in messages/);
 *  `keys` as they are shown, `match` as KeyboardEvent.key. */
export const SHORTCUTS: { action: ShortcutAction; keys: string[]; match: string[] }[] = [
  { action: "next", keys: ["j"], match: ["j"] },
  { action: "previous", keys: ["k"], match: ["k"] },
  { action: "open", keys: ["o", "Enter"], match: ["o", "Enter"] },
  { action: "back", keys: ["u"], match: ["u"] },
  { action: "select", keys: ["x"], match: ["x"] },
  { action: "archive", keys: ["e"], match: ["e"] },
  { action: "delete", keys: ["#"], match: ["#"] },
  { action: "flag", keys: ["s"], match: ["s"] },
  { action: "read", keys: ["Shift", "i"], match: ["I"] },
  { action: "unread", keys: ["Shift", "u"], match: ["U"] },
  { action: "compose", keys: ["c"], match: ["c"] },
  { action: "reply", keys: ["r"], match: ["r"] },
  { action: "replyAll", keys: ["a"], match: ["a"] },
  { action: "forward", keys: ["f"], match: ["f"] },
  { action: "search", keys: ["/"], match: ["/"] },
  { action: "help", keys: ["?"], match: ["?"] },
];

const TYPING = /^(INPUT|TEXTAREA|SELECT)$/;
const PRESSABLE = /^(BUTTON|A|SUMMARY|INPUT|SELECT|TEXTAREA)$/;

/** The shortcut a key press asks for, or null when it is typing, a chord, or meant for a dialog. */
export function shortcutFor(event: KeyboardEvent): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null;
  const target = event.target instanceof HTMLElement ? event.target : null;
  if (target && (target.isContentEditable || TYPING.test(target.tagName) || target.closest("dialog"))) return null;
  if (event.key === "Enter" && target && PRESSABLE.test(target.tagName)) return null;
  // Shift+I and Shift+U, not a caps-locked i or u.
  if ((event.key === "I" || event.key === "U") && !event.shiftKey) return null;
  return SHORTCUTS.find((shortcut) => shortcut.match.includes(event.key))?.action ?? null;
}

/** Runs `handlers[action]` for the shortcuts pressed on the page while the component is mounted. */
export function useShortcuts(handlers: Partial<Record<ShortcutAction, () => void>>, enabled = true) {
  // The newest handlers, without listening again on every render.
  const current = useRef(handlers);
  useEffect(() => {
    current.current = handlers;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      const action = shortcutFor(event);
      const handler = action && current.current[action];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}
