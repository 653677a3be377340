#!/usr/bin/env bash
# Installs the PeerJS server (npm `peer`), the reference the signaling benchmark compares against, into
# bench/.peers (git-ignored; never a workspace dependency).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ ! -f "$root/bench/.peers/node_modules/peer/package.json" ]; then
  mkdir -p "$root/bench/.peers"
  npm install --prefix "$root/bench/.peers" --ignore-scripts --no-audit --no-fund peer@1.0.2
fi
