// An account's delivery rules as the management API takes them and delivery reads them: forwarding,
// a vacation auto-reply and ordered filters. parseRules checks the shape and limits of what a client
// sent and says in words what is wrong; what needs the store (folders exist, no forwarding to oneself)
// is checked by the route (lib/mail-server/admin/routes/rules.ts).
import { parseAddress } from "../store/addresses";
import { StoreError } from "../store/errors";

export type TextField = "from" | "to" | "subject";

export type FilterCondition = { field: TextField; contains: string } | { field: "size"; greaterThan: number };

export type FilterAction =
  | { type: "move"; folder: string }
  | { type: "markRead" }
  | { type: "flag" }
  | { type: "forward"; to: string }
  | { type: "delete" };

export interface Filter {
  name: string;
  /** "all": every condition must hold; "any": one is enough. */
  match: "all" | "any";
  conditions: FilterCondition[];
  actions: FilterAction[];
}

export interface Forwarding {
  /** "" for no forwarding. */
  to: string;
  keepCopy: boolean;
}

export interface Vacation {
  enabled: boolean;
  subject: string;
  body: string;
  /** ISO instants; null for open-ended. */
  start: string | null;
  end: string | null;
  /** At most one reply to a sender within this many days. */
  days: number;
}

export interface DeliveryRules {
  forwarding: Forwarding;
  vacation: Vacation;
  filters: Filter[];
}

export const LIMITS = {
  filters: 50,
  conditions: 10,
  actions: 5,
  text: 200,
  name: 100,
  subject: 200,
  body: 10_000,
  maxDays: 365,
  /** Size conditions above this (bytes) could never match: larger mail is refused at SMTP anyway. */
  maxSize: 2 ** 40,
};

export const DEFAULT_VACATION_DAYS = 7;

export function defaultRules(): DeliveryRules {
  return {
    forwarding: { to: "", keepCopy: true },
    vacation: { enabled: false, subject: "", body: "", start: null, end: null, days: DEFAULT_VACATION_DAYS },
    filters: [],
  };
}

const TEXT_FIELDS: readonly TextField[] = ["from", "to", "subject"];
const ACTION_TYPES: readonly FilterAction["type"][] = ["move", "markRead", "flag", "forward", "delete"];

function invalid(message: string): never {
  throw new StoreError("invalid", message);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) invalid(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, what: string, max: number): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") invalid(`${what} must be text`);
  if (value.includes("\u0000")) invalid(`${what} contains a NUL character`);
  if (value.length > max) invalid(`${what} is too long (at most ${max.toLocaleString("en")} characters)`);
  return value;
}

/** One line of text (a subject, a condition): no line breaks, which would split a header. */
function line(value: unknown, what: string, max: number): string {
  const result = text(value, what, max).trim();
  if (/[\r\n]/.test(result)) invalid(`${what} must be one line`);
  return result;
}

function list(value: unknown, what: string, max: number): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) invalid(`${what} must be a list`);
  if (value.length > max) invalid(`too many ${what} (at most ${max})`);
  return value;
}

/** A forwarding address in its normal form, or "" for none. */
export function forwardAddress(value: unknown, what: string): string {
  const input = line(value, what, 320);
  if (!input) return "";
  try {
    return parseAddress(input).address;
  } catch {
    return invalid(`${what} "${input}" is not an e-mail address (user@domain)`);
  }
}

function instant(value: unknown, what: string): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" || value.length > 40) invalid(`${what} must be a date`);
  const time = Date.parse(value);
  if (Number.isNaN(time)) invalid(`${what} "${value}" is not a date`);
  return new Date(time).toISOString();
}

function parseCondition(value: unknown, where: string): FilterCondition {
  const input = record(value, where);
  if (input.field === "size") {
    const size = input.greaterThan;
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0 || size > LIMITS.maxSize) invalid(`${where}: the size must be a whole number of bytes`);
    return { field: "size", greaterThan: size };
  }
  const field = TEXT_FIELDS.find((f) => f === input.field);
  if (!field) invalid(`${where}: the field must be from, to, subject or size`);
  const contains = line(input.contains, `${where}: the text`, LIMITS.text);
  if (!contains) invalid(`${where}: enter the text to look for`);
  return { field, contains };
}

function parseAction(value: unknown, where: string): FilterAction {
  const input = record(value, where);
  const type = ACTION_TYPES.find((t) => t === input.type);
  if (!type) invalid(`${where}: the action must be move, markRead, flag, forward or delete`);
  switch (type) {
    case "move": {
      const folder = line(input.folder, `${where}: the folder`, LIMITS.text);
      if (!folder) invalid(`${where}: choose the folder to move to`);
      return { type, folder };
    }
    case "forward": {
      const to = forwardAddress(input.to, `${where}: the address`);
      if (!to) invalid(`${where}: enter the address to forward to`);
      return { type, to };
    }
    default:
      return { type };
  }
}

function parseFilter(value: unknown, index: number): Filter {
  const where = `filter ${index + 1}`;
  const input = record(value, where);
  const name = line(input.name, `${where}: the name`, LIMITS.name);
  const match = input.match === "any" ? "any" : input.match === "all" || input.match === undefined ? "all" : invalid(`${where}: match must be all or any`);
  const conditions = list(input.conditions, `conditions in ${where}`, LIMITS.conditions).map((c, i) => parseCondition(c, `${where}, condition ${i + 1}`));
  const actions = list(input.actions, `actions in ${where}`, LIMITS.actions).map((a, i) => parseAction(a, `${where}, action ${i + 1}`));
  if (!conditions.length) invalid(`${where}: add at least one condition`);
  if (!actions.length) invalid(`${where}: add at least one action`);
  const kinds = actions.map((a) => a.type);
  const single = kinds.filter((k) => k !== "forward");
  if (new Set(single).size !== single.length) invalid(`${where}: an action is repeated`);
  if (kinds.includes("delete") && kinds.some((k) => k === "move" || k === "markRead" || k === "flag")) {
    invalid(`${where}: a deleted message can't also be moved, marked read or flagged`);
  }
  return { name, match, conditions, actions };
}

function parseVacation(value: unknown): Vacation {
  const input = record(value ?? {}, "vacation");
  const enabled = input.enabled === true;
  const subject = line(input.subject, "the vacation subject", LIMITS.subject);
  const body = text(input.body, "the vacation message", LIMITS.body);
  const start = instant(input.start, "the first day of the vacation");
  const end = instant(input.end, "the last day of the vacation");
  const days = input.days === undefined || input.days === null ? DEFAULT_VACATION_DAYS : input.days;
  if (typeof days !== "number" || !Number.isInteger(days) || days < 1 || days > LIMITS.maxDays) invalid(`the days between replies must be a whole number from 1 to ${LIMITS.maxDays}`);
  if (start && end && start > end) invalid("the vacation ends before it starts");
  if (enabled && !body.trim()) invalid("write the vacation message that is sent as the reply");
  return { enabled, subject, body, start, end, days };
}

function parseForwarding(value: unknown): Forwarding {
  const input = record(value ?? {}, "forwarding");
  return { to: forwardAddress(input.to, "the forwarding address"), keepCopy: input.keepCopy !== false };
}

/** The rules a client sent, checked; throws StoreError("invalid") with the first problem in words. */
export function parseRules(value: unknown): DeliveryRules {
  const input = record(value, "the rules");
  return {
    forwarding: parseForwarding(input.forwarding),
    vacation: parseVacation(input.vacation),
    filters: list(input.filters, "filters", LIMITS.filters).map(parseFilter),
  };
}

/**
 * Filters as stored (JSON written by parseRules' output): parsed again defensively, since a row may
 * predate a rule change; an unreadable list counts as none rather than failing a delivery.
 */
export function readStoredFilters(json: string): Filter[] {
  try {
    return list(JSON.parse(json), "filters", LIMITS.filters).map(parseFilter);
  } catch {
    return [];
  }
}
