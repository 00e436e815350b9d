// Which of an account's filters a message matches. The first filter that matches decides (as in
// Outlook's "stop processing more rules"): the order the user gives is the order of precedence.
import type { EnvelopeAddress, MessageAnalysis } from "@/lib/mime/analyze";
import { headerText } from "@/lib/mime/analyze";
import type { Filter, FilterCondition } from "./model";

/** What the conditions look at, taken once per message. */
export interface FilterSubject {
  from: string;
  /** To and Cc. */
  to: string;
  subject: string;
  size: number;
}

function addressesText(list: EnvelopeAddress[] | null): string {
  return (list ?? [])
    .map(([name, , mailbox, host]) => `${name ? headerText(name) : ""} <${mailbox ?? ""}${host ? `@${host}` : ""}>`)
    .join(", ");
}

export function filterSubject(analysis: MessageAnalysis): FilterSubject {
  const { envelope } = analysis;
  return {
    from: addressesText(envelope.from).toLowerCase(),
    to: `${addressesText(envelope.to)}, ${addressesText(envelope.cc)}`.toLowerCase(),
    subject: headerText(analysis.subject).toLowerCase(),
    size: analysis.size,
  };
}

function holds(condition: FilterCondition, message: FilterSubject): boolean {
  if (condition.field === "size") return message.size > condition.greaterThan;
  return message[condition.field].includes(condition.contains.toLowerCase());
}

export function firstMatchingFilter(filters: Filter[], message: FilterSubject): Filter | null {
  return (
    filters.find((filter) =>
      filter.match === "any" ? filter.conditions.some((c) => holds(c, message)) : filter.conditions.every((c) => holds(c, message)),
    ) ?? null
  );
}
