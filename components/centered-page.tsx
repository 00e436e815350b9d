import type { ReactNode } from "react";
import { Brand } from "@/components/brand";

/** The frame of the pages shown before anyone signs in: the brand above one card. */
export function CenteredPage({ children }: { children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-lg flex-col justify-center gap-6 px-4 py-10 sm:px-6">
      <Brand />
      <div className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-8 dark:border-slate-800 dark:bg-slate-900">
        {children}
      </div>
    </main>
  );
}
