// Next.js calls register() once when the web server starts: the background POP3 fetching of the
// users' external accounts (lib/user-agent/pop3) and the sending of messages whose undo window ended
// run in this process. Not during `next build`, and
// not in the edge runtime, which has no sockets.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { fetchService } = await import("@/lib/user-agent/pop3/service");
  const interval = fetchService().start();
  console.log(`Fetching users' other accounts by POP3 every ${Math.round(interval / 1000)} s`);
  // Messages waiting out their undo window, including those a previous run left due.
  const { pendingSends } = await import("@/lib/user-agent/compose/pending-send");
  pendingSends().start();
}
