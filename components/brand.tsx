import { PRODUCT_NAME } from "@/lib/web/product";

/** `compact`: the name only from small screens up (the mail header on a phone has no room for it). */
export function Brand({ compact = false }: { compact?: boolean }) {
  return (
    <div className="flex items-center gap-2.5 text-lg font-semibold tracking-tight">
      <svg aria-hidden="true" viewBox="0 0 32 32" className="size-8 shrink-0">
        <rect width="32" height="32" rx="7" className="fill-indigo-600 dark:fill-indigo-500" />
        <path d="M7 10.5h18v11H7z" fill="none" stroke="#fff" strokeWidth="2" strokeLinejoin="round" />
        <path d="m7.5 11 8.5 6.5 8.5-6.5" fill="none" stroke="#fff" strokeWidth="2" strokeLinejoin="round" />
      </svg>
      <span className={compact ? "max-sm:sr-only" : undefined}>{PRODUCT_NAME}</span>
    </div>
  );
}
