#!/usr/bin/env bash
# Installs the Debian packages the test suites drive (real third-party clients and servers), only where missing.
# Safe to run repeatedly; a fresh CI machine has only Node, npm, python3 and a C toolchain.
set -euo pipefail

declare -A need=(
  [turnutils_stunclient]=coturn
  [redis-server]=redis-server
  [nginx]=nginx
  [promtool]=prometheus
  [opentracker]=opentracker
  [aria2c]=aria2
  [chromium]=chromium
  [ip]=iproute2
  [iptables]=iptables
)
missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || [ -x "/usr/bin/$cmd" ] || missing+=("${need[$cmd]}")
done
/usr/bin/python3 -c "import libtorrent" >/dev/null 2>&1 || missing+=(python3-libtorrent)
[ -e /usr/lib/nginx/modules/ngx_stream_module.so ] || missing+=(libnginx-mod-stream)

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: every system package is present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-system: missing ${missing[*]}; run as root or install them with apt-get" >&2
  exit 1
fi
echo "setup-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Packaged daemons must not start themselves (no init system here, and tests start their own instances).
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-system: done"
