// Which contacts, groups and recent correspondents the recipient field offers for what was typed: those
// whose name (any word of it) or address starts with it come first, then those that merely contain it;
// within each, the most written-to first, then the most recent.
import { LIMITS, type Suggestion } from "./types";

export interface Candidate {
  kind: "contact" | "recent";
  name: string;
  address: string;
  useCount: number;
  lastUsed: number;
}

export interface GroupCandidate {
  id: number;
  name: string;
  members: { name: string; address: string }[];
}

/** 0: a prefix of the name, a word of it, the address or its domain; 1: contained; null: no match. */
export function matchTier(query: string, name: string, address: string): 0 | 1 | null {
  const q = query.trim().toLowerCase();
  if (!q) return null;
  const lowerName = name.toLowerCase();
  const lowerAddress = address.toLowerCase();
  const starts = [lowerName, ...lowerName.split(/[\s.,'"()-]+/), lowerAddress, lowerAddress.slice(lowerAddress.indexOf("@") + 1)];
  if (starts.some((text) => text.startsWith(q))) return 0;
  return lowerName.includes(q) || lowerAddress.includes(q) ? 1 : null;
}

const KIND_ORDER = { contact: 0, group: 1, recent: 2 } as const;

export function rankSuggestions(query: string, candidates: Candidate[], groups: GroupCandidate[], limit: number = LIMITS.suggestions): Suggestion[] {
  // A contact's address also collected from sent mail is one suggestion, with the collected use count.
  const byAddress = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const key = candidate.address.toLowerCase();
    const known = byAddress.get(key);
    if (!known) byAddress.set(key, { ...candidate });
    else {
      known.useCount = Math.max(known.useCount, candidate.useCount);
      known.lastUsed = Math.max(known.lastUsed, candidate.lastUsed);
      if (candidate.kind === "contact" && known.kind === "recent") Object.assign(known, { kind: "contact", name: candidate.name || known.name });
    }
  }
  const scored = [
    ...[...byAddress.values()].map((candidate) => ({
      tier: matchTier(query, candidate.name, candidate.address),
      useCount: candidate.useCount,
      lastUsed: candidate.lastUsed,
      suggestion: { kind: candidate.kind, name: candidate.name, address: candidate.address } as Suggestion,
    })),
    ...groups
      .filter((group) => group.members.length > 0)
      .map((group) => ({ tier: matchTier(query, group.name, ""), useCount: 0, lastUsed: 0, suggestion: { kind: "group", ...group } as Suggestion })),
  ];
  return scored
    .filter((entry): entry is typeof entry & { tier: 0 | 1 } => entry.tier !== null)
    .sort(
      (a, b) =>
        a.tier - b.tier ||
        b.useCount - a.useCount ||
        b.lastUsed - a.lastUsed ||
        KIND_ORDER[a.suggestion.kind] - KIND_ORDER[b.suggestion.kind] ||
        a.suggestion.name.localeCompare(b.suggestion.name),
    )
    .slice(0, limit)
    .map((entry) => entry.suggestion);
}
