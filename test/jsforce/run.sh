#!/usr/bin/env bash
# Fidelity test: drive the emulated org with jsforce (an independent Salesforce client).
#
#   test/jsforce/run.sh                 # builds cmd/sfmcp and runs `sfmcp demo --org-only`
#   ORG=orgserver test/jsforce/run.sh   # uses the minimal test/jsforce/orgserver instead
#   ORG_CMD="/path/to/org-command args" test/jsforce/run.sh
#
# The org command prints one JSON line {"instance_url","login_url","client_id",
# "client_secret","users":[...]} on stdout and serves until it is stopped (stdin EOF or
# SIGTERM). Needs go, node >= 18 and npm (npm ci installs the pinned jsforce).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

if [[ -z "${ORG_CMD:-}" ]]; then
  if [[ "${ORG:-sfmcp}" == orgserver ]]; then
    (cd "$root" && go build -o "$tmp/orgserver" ./test/jsforce/orgserver)
    ORG_CMD="$tmp/orgserver"
  else
    (cd "$root" && go build -o "$tmp/sfmcp" ./cmd/sfmcp)
    ORG_CMD="$tmp/sfmcp demo --org-only --addr 127.0.0.1:0"
  fi
fi

# Start the org as a coprocess; stop it (stdin EOF, then SIGTERM) when we are done.
coproc ORGPROC { exec $ORG_CMD 2>"$tmp/org.log"; }
org_pid=$ORGPROC_PID
stop_org() {
  exec {ORGPROC[1]}>&- 2>/dev/null || true
  kill "$org_pid" 2>/dev/null || true
  wait "$org_pid" 2>/dev/null || true
}
trap 'stop_org; rm -rf "$tmp"' EXIT

if ! IFS= read -r -t 60 line <&"${ORGPROC[0]}"; then
  echo "run.sh: the org did not print its JSON line" >&2
  cat "$tmp/org.log" >&2
  exit 1
fi

cd "$here"
SFMCP_ORG="$line" node --test --test-reporter=spec jsforce.test.mjs
