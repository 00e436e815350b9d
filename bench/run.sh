#!/usr/bin/env bash
# npm run bench: our server's ingest rate next to a private Postfix, same load, same machine, same run.
# Quick run: BENCH_MESSAGES=500 BENCH_SESSIONS=5 BENCH_RUNS=1 npm run bench
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin" NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1

if [[ $EUID -ne 0 ]]; then
  echo "npm run bench: run as root (the Postfix peer is a private instance started with postfix -c)" >&2
  exit 1
fi
if ! command -v smtp-source >/dev/null || ! command -v postfix >/dev/null; then
  echo "npm run bench: needs Postfix and smtp-source: apt-get install -y postfix (or run npm test once)" >&2
  exit 1
fi
# node --import tsx rather than the tsx CLI: its wrapper process SIGKILLs the script on Ctrl-C before the
# script has stopped the servers it started.
exec node --import tsx bench/ingest.ts
