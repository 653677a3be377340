#!/usr/bin/env bash
# Installs the references the client benchmark compares against into bench/.peers (git-ignored; never a workspace
# dependency): the PeerJS server (npm `peer`) and the PeerJS client (npm `peerjs`, its browser build).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ ! -f "$root/bench/.peers/node_modules/peer/package.json" ] || [ ! -f "$root/bench/.peers/node_modules/peerjs/dist/peerjs.min.js" ]; then
  mkdir -p "$root/bench/.peers"
  npm install --prefix "$root/bench/.peers" --ignore-scripts --no-audit --no-fund peer@1.0.2 peerjs@1.5.5
fi
