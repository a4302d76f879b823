#!/usr/bin/env bash
# Runs every fuzz target for the given time each (default 60s) and prints the
# executions each reached. Usage: scripts/fuzz.sh [60s]
set -uo pipefail
cd "$(dirname "$0")/.."
time=${1:-60s}
status=0
for pkg in $(go list ./... ); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    out=$(go test "$pkg" -run='^$' -fuzz="^${target}\$" -fuzztime="$time" 2>&1)
    rc=$?
    execs=$(echo "$out" | grep -o 'execs: [0-9]*' | tail -1)
    echo "$pkg $target: ${execs:-?} (exit $rc)"
    [ $rc -ne 0 ] && { echo "$out" | tail -20; status=1; }
  done
done
exit $status
