#!/bin/sh
# Runs from the nginx image's entrypoint (/docker-entrypoint.d/) before nginx starts. nginx 1.22 resolves upstream
# names only when it (re)loads, so a background loop watches the addresses Docker's DNS gives for the scaled
# services and reloads nginx when they change (`docker compose up --scale signaling=3` then needs nothing else).
#   SB_WATCH_HOSTS     names to watch (default "signaling tracker"; empty turns the watch off)
#   SB_WATCH_INTERVAL  seconds between looks (default 10)
set -eu

hosts="${SB_WATCH_HOSTS-signaling tracker}"
interval="${SB_WATCH_INTERVAL:-10}"
[ -n "$hosts" ] || exit 0

addresses() {
  for h in $hosts; do
    getent hosts "$h" | awk '{print $1}' | sort -u | tr '\n' ' '
    printf '| '
  done
}

(
  last="$(addresses || true)"
  while sleep "$interval"; do
    now="$(addresses || true)"
    if [ "$now" != "$last" ]; then
      echo "switchboard: upstream addresses changed ($last -> $now), reloading nginx"
      nginx -s reload || echo "switchboard: nginx reload failed"
      last="$now"
    fi
  done
) &
