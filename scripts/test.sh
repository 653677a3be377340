#!/usr/bin/env bash
# The one test command (`npm test`): installs what the suites need, builds, checks types, lint and format,
# then runs the unit/integration suites and the interop suites against real third-party clients.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1

step() { printf '\n=== %s\n' "$*"; }

step "system packages (coturn, redis, nginx, prometheus, chromium, BitTorrent clients)"
bash scripts/setup-system.sh

step "npm install"
npm install --no-audit --no-fund --loglevel=error

step "build"
npx turbo run build --output-logs=errors-only

step "typecheck"
npx turbo run typecheck --output-logs=errors-only
npx tsc -p bench/tsconfig.json
npx tsc -p test/tsconfig.json

step "lint (type-aware)"
npx eslint --max-warnings 0 .

step "format"
npx prettier --check . --log-level warn

step "redis for the Redis-backed suites"
. scripts/redis-for-tests.sh

step "unit and integration tests"
node scripts/run-tests.mjs unit

step "interop tests (third-party clients)"
node scripts/run-tests.mjs interop
