// Where a soak's memory goes: the tracker (as deployed) under the soak's tracker traffic, its memory breakdown
// logged every 10 s (bench/soak/memory-log.mjs) and V8 heap snapshots taken at the given times (SIGUSR2).
//   node --conditions=source --import tsx bench/soak/heap-probe.ts --seconds 900 --snapshots 120,480,840 \
//     --out /tmp/heap-probe
//   node bench/soak/heap-diff.mjs /tmp/heap-probe/Heap.*.001.heapsnapshot /tmp/heap-probe/Heap.*.003.heapsnapshot
// A snapshot costs the process tens of MiB of RSS for a while: read RSS slopes from a run without snapshots.
// --node-flags=<flags> adds node flags for a diagnosis (e.g. --node-flags=--max-old-space-size=256).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort, freeUdpPort } from "@switchboard/test-support";
import { ROOT, startService, waitHealthy } from "./service.js";
import { trackerTraffic } from "./traffic.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "900" },
    snapshots: { type: "string", default: "" },
    out: { type: "string", default: join(ROOT, "bench/results/heap-probe") },
    /** Extra node flags for the service (diagnosis, e.g. "--max-old-space-size=256"), after the deployed ones. */
    "node-flags": { type: "string", default: "" },
  },
});
const seconds = Number(values.seconds);
const snapshots = String(values.snapshots)
  .split(",")
  .filter((x) => x !== "")
  .map(Number)
  .sort((a, b) => a - b);
const out = String(values.out);
mkdirSync(out, { recursive: true });

const port = await freePort();
const udpPort = await freeUdpPort();
const preload = new URL("./memory-log.mjs", import.meta.url).pathname;
const svc = startService("tracker", {
  TRACKER_HOST: "127.0.0.1",
  TRACKER_PORT: String(port),
  TRACKER_UDP_PORT: String(udpPort),
  TRACKER_RATE_LIMIT: "0",
  MEMORY_LOG: join(out, "memory.jsonl"),
  NODE_OPTIONS: `--import=${preload} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${out} ${values["node-flags"]}`,
});
try {
  await waitHealthy(`http://127.0.0.1:${port}/health`);
  const traffic = trackerTraffic({ httpPort: port, udpPort });
  const t0 = Date.now();
  const sleepUntil = async (s: number): Promise<void> => {
    const wait = t0 + s * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };
  for (const at of snapshots.filter((s) => s < seconds)) {
    await sleepUntil(at);
    svc.proc.kill("SIGUSR2");
    console.error(`heap snapshot asked at ${at} s`);
  }
  await sleepUntil(seconds);
  await traffic.stop();
  console.error(JSON.stringify(traffic.counts));
  console.error(`memory log and snapshots in ${out}`);
} finally {
  await svc.stop();
}
