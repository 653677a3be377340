#!/usr/bin/env bash
# Installs the `webtorrent` package bench/files compares against into bench/.peers/webtorrent (git-ignored), offline
# from the registry. Install scripts are skipped (some native dependencies would fetch prebuilt binaries; TCP needs
# none of them). Its WebRTC dependency, node-datachannel 0.32, only builds its binary from an install script:
# overridden with the 0.33 line the SDK uses, which ships the binary in a registry package (WebTorrent imports it
# at start-up even when it only speaks TCP).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f .peers/webtorrent/node_modules/@node-datachannel/linux-x64-gnu/node_datachannel.node ] ||
  [ ! -d .peers/webtorrent/node_modules/webtorrent ]; then
  rm -rf .peers/webtorrent
  mkdir -p .peers/webtorrent
  cat >.peers/webtorrent/package.json <<'JSON'
{
  "private": true,
  "dependencies": { "webtorrent": "3.0.21" },
  "overrides": { "node-datachannel": "0.33.4" }
}
JSON
  npm install --prefix .peers/webtorrent --ignore-scripts --no-audit --no-fund --loglevel=error
fi
