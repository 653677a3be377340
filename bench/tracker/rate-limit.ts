/**
 * The per-address announce limiter, JavaScript (`KeyedRateLimiter`, keyed by the address text) against the C one
 * (`NativeRateLimiter` of the tracker addon, keyed by 16-byte addresses), in one process, rounds alternating: CPU
 * time per `allow` (process.cpuUsage) over a population of client addresses (IPv4 and IPv6), at the tracker's
 * defaults (burst 100, 20/s, 100 000 addresses) unless told otherwise, each called as `TrackerCore` calls it
 * (the address text, and its 16 bytes, which the core has parsed already). The C figure includes the N-API call;
 * the UDP path in C calls rl_allow directly and pays less.
 *
 *   flock /tmp/sb-bench.lock node --conditions=source --import tsx bench/tracker/rate-limit.ts \
 *     [--rounds 5] [--calls 2000000] [--addresses 50000] [--max-keys 100000]
 */
import { parseArgs } from "node:util";
import { KeyedRateLimiter, systemClock } from "@switchboard/runtime";
import { loadTrackerNative } from "../../services/tracker/src/state/native-binding.js";
import { NativeRateLimiter } from "../../services/tracker/src/state/native-rate-limiter.js";
import { addressToBytes } from "../../services/tracker/src/state/peer-address.js";
import { median } from "../median.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    calls: { type: "string", default: "2000000" },
    addresses: { type: "string", default: "50000" },
    "max-keys": { type: "string", default: "100000" },
  },
});
const rounds = Number(values.rounds);
const calls = Number(values.calls);
const count = Number(values.addresses);
const maxKeys = Number(values["max-keys"]);
for (const [name, v] of [
  ["rounds", rounds],
  ["calls", calls],
  ["addresses", count],
  ["max-keys", maxKeys],
] as const)
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);

const { binding, reason } = loadTrackerNative();
if (binding === undefined) {
  console.error(
    `the tracker addon is needed: ${reason ?? "not built"} (npx turbo run build --filter=@switchboard/tracker)`,
  );
  process.exit(1);
}

// Every fourth address IPv6; an announce's address drawn at random (xorshift32, reproducible).
const texts = Array.from({ length: count }, (_, i) =>
  i % 4 === 3
    ? `2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::1`
    : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
);
const bytes = texts.map((t) => addressToBytes(t) ?? new Uint8Array(16));
let x = 0x2545f491;
const order = Uint32Array.from({ length: calls }, () => {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return (x >>> 0) % count;
});

const limits = { capacity: 100, refillPerSecond: 20, maxKeys };
const kinds = {
  js: (): ((i: number) => boolean) => {
    const l = new KeyedRateLimiter(limits, systemClock);
    return (i) => l.allow(texts[i] ?? "");
  },
  c: (): ((i: number) => boolean) => {
    const l = new NativeRateLimiter(binding, limits, systemClock);
    return (i) => l.allow(texts[i] ?? "", bytes[i] ?? new Uint8Array(16));
  },
};

const ns: Record<string, number[]> = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, make] of Object.entries(kinds)) {
    const allow = make();
    // Warm-up: fills the buckets and lets the JIT settle.
    for (let i = 0; i < Math.min(calls, 200_000); i++) allow(order[i] ?? 0);
    const before = process.cpuUsage();
    let allowed = 0;
    for (let i = 0; i < calls; i++) if (allow(order[i] ?? 0)) allowed++;
    const used = process.cpuUsage(before);
    if (allowed === 0) throw new Error(`${name}: nothing allowed`);
    (ns[name] ??= []).push(((used.user + used.system) * 1000) / calls);
  }
}
const base = median(ns.js ?? []);
console.log(
  `allow(): CPU ns per call, median of ${rounds} alternating rounds, ${calls} calls over ${count} addresses`,
);
for (const [name, xs] of Object.entries(ns)) {
  const m = median(xs);
  console.log(
    `${name.padEnd(18)} ${m.toFixed(1).padStart(7)} ns  ${(m / base).toFixed(2)}× js  [${xs.map((v) => v.toFixed(0)).join(" ")}]`,
  );
}
