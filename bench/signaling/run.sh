#!/usr/bin/env bash
# Runs the signaling benchmark (loopback only, ≤ 3 minutes with the defaults).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash bench/signaling/setup-peers.sh >/dev/null
# The service runs from its build, as in production.
for ws in packages/runtime packages/protocol packages/turn-credentials services/signaling; do
  npx tsc -p "$ws/tsconfig.build.json"
done
# 20,000 connections need more descriptors than the usual 1024; raise to the hard limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec node --conditions=source --import tsx bench/signaling/run.ts "$@"
