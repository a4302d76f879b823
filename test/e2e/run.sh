#!/usr/bin/env bash
# End-to-end tests through the official MCP TypeScript SDK (npm @modelcontextprotocol/sdk).
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
[ -x ../../bin/sfmcp ] || (cd ../.. && make build)
node --test --test-concurrency=1 ./*.test.mjs
