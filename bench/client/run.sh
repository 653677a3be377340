#!/usr/bin/env bash
# Runs the client benchmark (needs root: everything runs in a network namespace with only `lo`, so Chromium's
# candidates stay on loopback). A few minutes with the defaults; CLIENT_BENCH_RUNS sets the trials per figure.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash bench/client/setup-peers.sh >/dev/null
npx turbo run build --output-logs=errors-only >/dev/null
ns="clibench$$"
ip netns add "$ns"
trap 'ip netns delete "$ns"' EXIT
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" node --conditions=source --import tsx bench/client/run.ts "$@"
