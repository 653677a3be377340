#!/usr/bin/env bash
# The one test command (`npm test`): installs what the suites need, builds, checks types, lint and format,
# then runs the jest suites (unit/integration + deploy, interop against real third-party clients, the unit tests
# on Node 24) and ends with one line summing them: "N passed, N failed, N skipped".
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

# Every suite runs even when one before it failed; the last line sums every jest run.
export TEST_RESULTS_DIR
TEST_RESULTS_DIR=$(mktemp -d)
status=0

step "unit and integration tests, deploy suite (jest)"
node scripts/run-tests.mjs unit || status=1

step "interop tests: third-party clients (jest)"
node scripts/run-tests.mjs interop || status=1

step "unit tests on Node 24 (jest)"
node scripts/run-tests.mjs node24 || status=1

step "summary"
node scripts/test-summary.mjs "$TEST_RESULTS_DIR" unit interop node24 || status=1
rm -rf "$TEST_RESULTS_DIR"
exit "$status"
