import { CenteredPage } from "@/components/centered-page";

/** Shown instead of a page when the mail server's management API cannot answer. */
export function MailServerProblem({ message }: { message: string }) {
  return (
    <CenteredPage>
      <div role="alert" className="space-y-4">
        <h1 className="text-xl font-semibold tracking-tight text-red-700 dark:text-red-400">The mail server is not answering</h1>
        <p className="rounded-lg bg-red-50 px-3 py-2 font-mono text-sm break-words text-red-900 dark:bg-red-950/50 dark:text-red-200">
          {message}
        </p>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Start it with <code className="font-mono">npm run mail-server</code> (or start both with{" "}
          <code className="font-mono">npm start</code>), or point <code className="font-mono">ADMIN_URL</code> at it. Then
          reload this page.
        </p>
      </div>
    </CenteredPage>
  );
}
