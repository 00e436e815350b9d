import { humanBytes } from "@/lib/format-bytes";
import { percentOf } from "./format";

/** Use against quota: a bar and the numbers in words (the bar is decoration). */
export function UsageBar({ used, quota, label }: { used: string; quota: string; label: string }) {
  const percent = percentOf(used, quota);
  return (
    <div className="flex min-w-40 flex-col gap-1">
      <div aria-hidden="true" className="h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800">
        <div className={`h-full ${percent >= 90 ? "bg-red-500" : "bg-indigo-500"}`} style={{ width: `${percent}%` }} />
      </div>
      <span className="text-xs text-slate-600 dark:text-slate-400">
        {label} {humanBytes(used)} / {humanBytes(quota)} ({percent}%)
      </span>
    </div>
  );
}
