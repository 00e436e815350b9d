"use client";

// Suggestions for what is being typed in a recipient field: asked of the address book a moment after
// typing stops (the previous question cancelled), with the one ↑/↓ has reached.
import { useEffect, useState } from "react";
import { suggestRecipients } from "@/components/contacts/api";
import type { Suggestion } from "@/lib/user-agent/contacts/types";

const DEBOUNCE_MS = 150;

export interface RecipientSuggestions {
  suggestions: Suggestion[];
  /** The highlighted suggestion; -1 for none. */
  active: number;
  /** Whether ↑/↓ chose it (rather than it being highlighted as the first). */
  chosen: boolean;
  move: (step: 1 | -1) => void;
  close: () => void;
}

export function useRecipientSuggestions(typed: string): RecipientSuggestions {
  const [state, setState] = useState<{ for: string; suggestions: Suggestion[]; active: number; chosen: boolean }>({ for: "", suggestions: [], active: -1, chosen: false });
  const query = typed.trim();

  useEffect(() => {
    if (!query) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      suggestRecipients(query, abort.signal)
        .then((suggestions) => setState({ for: query, suggestions, active: suggestions.length > 0 ? 0 : -1, chosen: false }))
        // No suggestions is no reason to bother the writer: typing works as without an address book.
        .catch(() => undefined);
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [query]);

  // Answers for an earlier text are not shown once the text has changed.
  const current = query !== "" && state.for === query;
  const suggestions = current ? state.suggestions : [];
  return {
    suggestions,
    active: current ? state.active : -1,
    chosen: current && state.chosen,
    move: (step) => setState((previous) => (previous.suggestions.length === 0 ? previous : { ...previous, active: (previous.active + step + previous.suggestions.length) % previous.suggestions.length, chosen: true })),
    close: () => setState({ for: "", suggestions: [], active: -1, chosen: false }),
  };
}
