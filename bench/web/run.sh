#!/usr/bin/env bash
# Web app budgets (needs root: Chromium runs in a network namespace with only `lo`, so its WebRTC candidates stay on
# loopback). WEB_BENCH_RUNS sets the trials of the time-to-video figure (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
npx turbo run build --output-logs=errors-only >/dev/null
ns="webfilesbench$$"
ip netns add "$ns"
trap 'ip netns delete "$ns"' EXIT
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" node --conditions=source --import tsx bench/web/run.ts "$@"
