#!/usr/bin/env bash
# Fidelity test: drive the emulated org with jsforce (an independent Salesforce client).
#
#   test/jsforce/run.sh                 # builds test/jsforce/orgserver and uses it
#   ORG_CMD="sfmcp demo --org-only --addr 127.0.0.1:0" test/jsforce/run.sh
#
# The org command must print one JSON line {"instance_url","login_url","client_id",
# "client_secret","users":[...]} on stdout and serve until its stdin is closed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

if [[ -z "${ORG_CMD:-}" ]]; then
  (cd "$root" && go build -o "$tmp/orgserver" ./test/jsforce/orgserver)
  ORG_CMD="$tmp/orgserver"
fi

# Start the org as a coprocess: we hold its stdin open, it exits when we close it.
coproc ORG { exec $ORG_CMD 2>"$tmp/org.log"; }
org_pid=$ORG_PID
stop_org() {
  exec {ORG[1]}>&- 2>/dev/null || true
  wait "$org_pid" 2>/dev/null || true
}
trap 'stop_org; rm -rf "$tmp"' EXIT

if ! IFS= read -r -t 60 line <&"${ORG[0]}"; then
  echo "run.sh: the org did not print its JSON line" >&2
  cat "$tmp/org.log" >&2
  exit 1
fi

cd "$here"
SFMCP_ORG="$line" node --test --test-reporter=spec jsforce.test.mjs
