/**
 * In-process cost of one plain Binding request through the STUN service's dispatcher (decode, Binding handler,
 * encode with FINGERPRINT), without sockets: the JavaScript part of what `run.ts` measures end to end.
 *   node --conditions=source --import tsx bench/stun/dispatch.ts [samples, default 7]
 */
import { createLogger, systemClock } from "@switchboard/runtime";
import { createDispatcher } from "../../services/stun/src/dispatch.js";

const SAMPLES = Number(process.argv[2] ?? 7);
const CALLS = 1_000_000;
const handle = createDispatcher({
  layout: { primary: { address: "127.0.0.1", port: 3478 } },
  software: "",
  rateLimit: undefined,
  clock: systemClock,
  logger: createLogger({ name: "bench", level: "warn" }),
});
// A 20-byte Binding request, as the load generator sends.
const request = Buffer.from("000100002112a442000000000000000000000001", "hex");
let bytes = 0;

function run(calls: number): void {
  for (let i = 0; i < calls; i++) {
    const out = handle({
      data: request,
      transport: "udp",
      source: { address: "127.0.0.1", port: 40_000 + (i & 15) },
      role: "PP",
    });
    bytes += out.reply?.bytes.length ?? 0;
  }
}

run(CALLS / 5); // warm-up
const ns: number[] = [];
for (let s = 0; s < SAMPLES; s++) {
  const t0 = process.hrtime.bigint();
  run(CALLS);
  ns.push(Number(process.hrtime.bigint() - t0) / CALLS);
}
ns.sort((a, b) => a - b);
console.log(
  `plain Binding request through createDispatcher: median ${ns[Math.floor(ns.length / 2)]?.toFixed(0)} ns, ` +
    `min ${ns[0]?.toFixed(0)} ns (${SAMPLES} × ${CALLS} calls; ${bytes} response bytes)`,
);
