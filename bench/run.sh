#!/usr/bin/env bash
# npm run bench: our server next to its peers, same load, same machine, same run.
#   ingest: SMTP ingest rate next to a private Postfix (bench/ingest.ts)
#   imap:   IMAP commands and IDLE memory next to a private Dovecot (bench/imap.ts)
#   pop3:   retrieving a 10,000-message maildrop next to a private Dovecot POP3 (bench/pop3.ts)
#   outbound: queue delivery into smtp-sink next to a private Postfix relaying there (bench/outbound.ts)
#   webmail: the webmail's production build in Chromium on a 100,000-message INBOX (bench/webmail.ts)
#   compose: Send in the browser to the recipient's INBOX, and opening a reply to a 1 MB message (bench/compose.ts)
# One of them: BENCH=imap npm run bench. Quick runs:
#   BENCH_MESSAGES=500 BENCH_SESSIONS=5 BENCH_RUNS=1 BENCH=ingest npm run bench
#   BENCH_IMAP_MESSAGES=5000 BENCH_IDLE_CONNECTIONS=100 BENCH_RUNS=2 BENCH=imap npm run bench
#   BENCH_POP3_MESSAGES=500 BENCH_RUNS=1 BENCH=pop3 npm run bench
#   BENCH_OUTBOUND_MESSAGES=500 BENCH_RUNS=1 BENCH=outbound npm run bench
#   BENCH_WEBMAIL_MESSAGES=2000 BENCH_RUNS=3 BENCH_WEBMAIL_SESSIONS=5 BENCH=webmail npm run bench
#   BENCH_COMPOSE_SENDS=10 BENCH_RUNS=3 BENCH=compose npm run bench
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin" NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1

BENCH="${BENCH:-ingest,imap,pop3,outbound,webmail,compose}"
if [[ $EUID -ne 0 ]]; then
  echo "npm run bench: run as root (Postfix and Dovecot peers are private instances that drop privileges themselves)" >&2
  exit 1
fi
if [[ ",$BENCH," == *,ingest,* || ",$BENCH," == *,outbound,* ]] && { ! command -v smtp-source >/dev/null || ! command -v postfix >/dev/null; }; then
  echo "npm run bench: needs Postfix and smtp-source: apt-get install -y postfix (or run npm test once)" >&2
  exit 1
fi
if [[ ",$BENCH," == *,imap,* || ",$BENCH," == *,pop3,* ]] && { ! command -v dovecot >/dev/null || [[ ! -e /usr/lib/dovecot/pop3 ]]; }; then
  echo "npm run bench: needs Dovecot: apt-get install -y dovecot-imapd dovecot-pop3d (or run npm test once)" >&2
  exit 1
fi
if [[ ( ",$BENCH," == *,webmail,* || ",$BENCH," == *,compose,* ) && ! -x /usr/bin/chromium ]]; then
  echo "npm run bench: needs Chromium: apt-get install -y chromium (or run npm test once)" >&2
  exit 1
fi
# A thousand IDLE sessions are a thousand client sockets here and as many in each server.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

for name in ${BENCH//,/ }; do
  case "$name" in
    # node --import tsx rather than the tsx CLI: its wrapper process SIGKILLs the script on Ctrl-C before the
    # script has stopped the servers it started.
    ingest | imap | pop3 | outbound | webmail | compose) node --import tsx "bench/$name.ts" ;;
    *) echo "npm run bench: unknown BENCH=$name (ingest, imap, pop3, outbound, webmail, compose)" >&2; exit 2 ;;
  esac
done
