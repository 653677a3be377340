#!/usr/bin/env bash
# Node↔Node connect stalls (node-stalls.ts) in a loopback-only network namespace (needs root). Wrap it in
# `flock /tmp/sb-bench.lock`. NODE_STALL_RUNS, NODE_STALL_MS, NODE_STALL_LOG, NODE_STALL_AB: see node-stalls.ts;
# NODE_STALL_PCAP=file also records the namespace's UDP with tcpdump (short runs; each trial's start is printed;
# node-stalls-pcap.py reads it).
set -euo pipefail
cd "$(dirname "$0")/../.."
ns="nnstall$$"
ip netns add "$ns"
trap 'ip netns delete "$ns"' EXIT
ip netns exec "$ns" ip link set lo up
if [ -n "${NODE_STALL_PCAP:-}" ]; then # short runs only: every UDP datagram on the namespace's loopback
  command -v tcpdump >/dev/null || { echo "NODE_STALL_PCAP needs tcpdump (apt-get install tcpdump)" >&2; exit 2; }
  ip netns exec "$ns" tcpdump -i lo -w "$NODE_STALL_PCAP" -U -s 128 udp 2>"$NODE_STALL_PCAP.log" &
  dump=$!
  trap 'sleep 1; kill "$dump" 2>/dev/null; wait "$dump" 2>/dev/null; ip netns delete "$ns"' EXIT
  sleep 1
fi
ip netns exec "$ns" node --conditions=source --import tsx bench/client/node-stalls.ts "$@"
