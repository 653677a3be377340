#!/usr/bin/env bash
# Installs the npm tracker we compare against into bench/.peers (git-ignored), without install scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d .peers/node_modules/bittorrent-tracker ]; then
  npm install --prefix .peers --ignore-scripts --no-audit --no-fund --loglevel=error bittorrent-tracker@11
fi
