#!/usr/bin/env bash
# npm test: the whole suite on a bare Debian machine with Node and npm. Installs the real peers the tests
# talk to, starts PostgreSQL for the duration, runs Vitest then Playwright, and prints one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1

# Debian packages the tests need: a browser, PostgreSQL, and the real mail programs we test against.
PACKAGES=(chromium postgresql postfix swaks python3 curl dovecot-imapd dovecot-pop3d mutt fetchmail getmail6)

log() { echo "npm test: $*" >&2; }

out=$(mktemp -d)
started_pg=""
created_policy=""
cluster=${TEST_PG_CLUSTER:-main} # the Debian cluster (pg_lsclusters) the tests use
build_pid=""
cleanup() {
  if [[ -n $build_pid ]]; then kill "$build_pid" 2>/dev/null || true; fi
  if [[ -n $started_pg ]]; then
    pg_ctlcluster "$started_pg" "$cluster" stop >/dev/null 2>&1 || log "could not stop PostgreSQL $started_pg"
  fi
  if [[ -n $created_policy ]]; then rm -f /usr/sbin/policy-rc.d; fi
  rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  if [[ $EUID -ne 0 ]]; then
    log "missing system packages, install them first: sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  log "installing ${missing[*]}"
  # Postfix installed with "No configuration" has no main.cf, so the system service cannot start;
  # the tests run private instances with `postfix -c DIR`.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  # Nor may the install start any system daemon (Postfix on 25, Dovecot, PostgreSQL, which this script
  # starts and stops itself): exit 101 in policy-rc.d is Debian's switch for that. Removed in cleanup.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
    >"$out/apt.log" 2>&1; then
    tail -20 "$out/apt.log" >&2
    log "apt-get install failed"
    exit 1
  fi
  # In case a policy-rc.d that allows starts was already there.
  if [[ " ${missing[*]} " == *" postfix "* ]] && postfix status >/dev/null 2>&1; then
    postfix stop >/dev/null 2>&1 || true
  fi
}

# Runs psql/createdb as the cluster owner (root via runuser; PostgreSQL refuses to run as root).
as_postgres() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"
  elif [[ $(id -un) == postgres ]]; then "$@"
  else sudo -n -u postgres "$@"
  fi
}

start_postgres() {
  if [[ -n ${TEST_DATABASE_URL:-} ]]; then return 0; fi # caller brought their own server
  local version port status
  read -r version port status < <(pg_lsclusters -h | awk -v c="$cluster" '$2 == c { print $1, $3, $4; exit }') || true
  if [[ -z ${version:-} ]]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    as_postgres pg_createcluster "$version" "$cluster" >/dev/null 2>&1 || true
    read -r version port status < <(pg_lsclusters -h | awk -v c="$cluster" '$2 == c { print $1, $3, $4; exit }') || true
  fi
  if [[ $status != online* ]]; then
    if ! pg_ctlcluster "$version" "$cluster" start >/dev/null 2>&1 && ! as_postgres pg_ctlcluster "$version" "$cluster" start; then
      log "could not start PostgreSQL $version (run as root, or set TEST_DATABASE_URL)"
      exit 1
    fi
    started_pg=$version
  fi
  # The role may create databases: tests make a throwaway database each (tests/support/postgres.ts).
  as_postgres psql -q -v ON_ERROR_STOP=1 -p "$port" -d postgres >/dev/null <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mailtest') THEN
    CREATE ROLE mailtest LOGIN CREATEDB PASSWORD 'mailtest';
  ELSE
    ALTER ROLE mailtest LOGIN CREATEDB PASSWORD 'mailtest';
  END IF;
END $$;
SQL
  if [[ -z $(as_postgres psql -p "$port" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'mailtest'") ]]; then
    as_postgres createdb -p "$port" -O mailtest mailtest
  fi
  export TEST_DATABASE_URL="postgres://mailtest:mailtest@127.0.0.1:$port/mailtest"
}

install_packages
start_postgres

status=0
# The e2e suites need the webmail's production build. It is made while Vitest runs: the protocol tests
# mostly wait on sockets and timers, so the two together take little longer than Vitest alone.
npx next build >"$out/next-build.log" 2>&1 &
build_pid=$!
# --configLoader runner: the default bundling loader warns about ESM syntax in vitest.config.ts because
# package.json has no "type": "module".
npx vitest run --configLoader runner --reporter=default --reporter=json --outputFile="$out/vitest.json" || status=1
if ! wait "$build_pid"; then
  # Playwright's web server builds again and shows why it fails; this says where the first try ended.
  tail -20 "$out/next-build.log" >&2
  log "next build failed while Vitest ran"
fi
build_pid=""
PLAYWRIGHT_JSON_OUTPUT_FILE="$out/playwright.json" npx playwright test --reporter=line,json || status=1
reports=("$out/vitest.json" "$out/playwright.json")
# The core of the e2e suite once more, with the webmail pointed at a private Dovecot (it starts as root and
# drops privileges itself; as another user its Vitest comparisons are skipped too).
if [[ $EUID -eq 0 ]]; then
  PLAYWRIGHT_JSON_OUTPUT_FILE="$out/playwright-dovecot.json" npx playwright test -c playwright.dovecot.config.ts --reporter=line,json || status=1
  reports+=("$out/playwright-dovecot.json")
else
  log "skipping the e2e run against Dovecot: it needs root"
fi

# One line for humans and CI logs: all runs added up. A missing report means that runner crashed.
node - "${reports[@]}" <<'JS' || status=1
const fs = require("node:fs");
const read = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return null; } };
const [vitest, ...playwrights] = process.argv.slice(2).map((f) => [f, read(f)]);
let passed = 0, failed = 0, skipped = 0;
const broken = [];
if (vitest[1]) {
  const v = vitest[1];
  passed += v.numPassedTests; failed += v.numFailedTests;
  skipped += v.numPendingTests + v.numTodoTests;
  // A file that failed outside its tests (not loading, a failing afterAll) counts as one failure.
  failed += v.testResults.filter((r) => r.status === "failed" && r.assertionResults.every((a) => a.status !== "failed")).length;
} else broken.push("vitest");
for (const [file, playwright] of playwrights) {
  if (!playwright) { broken.push(file.endsWith("-dovecot.json") ? "playwright (Dovecot)" : "playwright"); continue; }
  const s = playwright.stats;
  passed += s.expected + s.flaky; failed += s.unexpected; skipped += s.skipped;
  failed += (playwright.errors ?? []).length;
}
console.log(`${passed} passed, ${failed} failed` + (skipped ? ` (${skipped} skipped)` : "") +
  (broken.length ? ` — no report from ${broken.join(" and ")}` : ""));
process.exit(failed || broken.length ? 1 : 0);
JS
exit $status
