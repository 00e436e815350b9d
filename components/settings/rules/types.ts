// The delivery rules as /api/rules carries them (the mail server's management API contract,
// GET/PUT /api/v1/account/rules). The server checks everything again; these are the shapes the form edits.

export type TextField = "from" | "to" | "subject";
export type ConditionField = TextField | "size";
export type ActionType = "move" | "markRead" | "flag" | "forward" | "delete";

export type FilterCondition = { field: TextField; contains: string } | { field: "size"; greaterThan: number };

export type FilterAction = { type: "move"; folder: string } | { type: "markRead" } | { type: "flag" } | { type: "forward"; to: string } | { type: "delete" };

export interface Filter {
  name: string;
  match: "all" | "any";
  conditions: FilterCondition[];
  actions: FilterAction[];
}

export interface DeliveryRules {
  forwarding: { to: string; keepCopy: boolean };
  vacation: { enabled: boolean; subject: string; body: string; start: string | null; end: string | null; days: number };
  filters: Filter[];
}

export const CONDITION_FIELDS: readonly ConditionField[] = ["from", "to", "subject", "size"];
export const ACTION_TYPES: readonly ActionType[] = ["move", "markRead", "flag", "forward", "delete"];
export const MAX_FILTERS = 50;

export function newCondition(field: ConditionField): FilterCondition {
  return field === "size" ? { field, greaterThan: 1024 * 1024 } : { field, contains: "" };
}

export function newAction(type: ActionType, folder = ""): FilterAction {
  if (type === "move") return { type, folder };
  if (type === "forward") return { type, to: "" };
  return { type };
}

export function newFilter(folder: string): Filter {
  return { name: "", match: "all", conditions: [newCondition("from")], actions: [newAction("move", folder)] };
}

/** "2026-12-24" in the browser's zone ⇄ the instant the server keeps: a start at 00:00, an end at 23:59:59.999. */
export function dateToInstant(date: string, edge: "start" | "end"): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const [year, month, day] = date.split("-").map(Number);
  const local = edge === "start" ? new Date(year, month - 1, day) : new Date(year, month - 1, day, 23, 59, 59, 999);
  return Number.isNaN(local.getTime()) ? null : local.toISOString();
}

export function instantToDate(instant: string | null): string {
  if (!instant) return "";
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
