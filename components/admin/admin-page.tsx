import type { ReactNode } from "react";

/** The frame of one administration page: its heading, and a problem in words when its data can't be had. */
export function AdminPage({ title, problem, children }: { title: string; problem?: string; children?: ReactNode }) {
  return (
    <main className="mx-auto flex w-full max-w-5xl flex-col gap-6 px-4 py-6 sm:px-6" aria-labelledby="admin-title">
      <h1 id="admin-title" className="text-xl font-semibold">
        {title}
      </h1>
      {problem ? (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/50 dark:text-red-200">
          {problem}
        </p>
      ) : (
        children
      )}
    </main>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <h2 className="text-base font-semibold">{title}</h2>
      {children}
    </section>
  );
}
