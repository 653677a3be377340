/**
 * Node↔Node connect stalls (issue 12): many trials of `discoverPeers()` → first message between two SDK clients on
 * node-datachannel, on the local platform (`npm start`'s services: ICE servers from `welcome`, as in run.ts); counts
 * the trials slower than NODE_STALL_MS.
 * Run inside a loopback-only namespace (node-stalls.sh). NODE_STALL_RUNS trials (default 60);
 * NODE_STALL_LOG=Debug|Verbose prints libdatachannel's log of every stalled trial (ms from the JS side's receipt
 * of each line, from the trial's start). NODE_STALL_AB=1 alternates trials between `nodeRtc()` as it is ("after")
 * and with `offerCandidatesAfterIceMs: 0` ("before": the offerer's candidates go with the answer), in one run.
 */
import { performance } from "node:perf_hooks";
import { nodeRtc } from "@switchboard/client/node";
import nodeDataChannel from "node-datachannel";
import { startLocalPlatform } from "../../test/deploy/lib/local-platform.js";
import { median } from "../median.js";
import { nodeConnectTime } from "./node-pair.js";

const RUNS = Number(process.env.NODE_STALL_RUNS ?? 60);
const STALL_MS = Number(process.env.NODE_STALL_MS ?? 500);
const LOG = process.env.NODE_STALL_LOG as "Debug" | "Verbose" | undefined;

let lines: [number, string][] = [];
let t0 = 0;
/** The current trial's start, epoch ms (to find it in a capture). */
let startedAt = 0;
if (LOG) nodeDataChannel.initLogger(LOG, (_level, message) => lines.push([performance.now() - t0, message]));

const AB = process.env.NODE_STALL_AB === "1";

function trial(signalingUrl: string, n: number, before = false): Promise<number> {
  return nodeConnectTime(signalingUrl, `stall-${process.pid}-${n}`, {
    rtc: before ? { ...nodeRtc(), offerCandidatesAfterIceMs: 0 } : nodeRtc(),
    timeoutMs: 30_000,
    atStart: () => {
      lines = [];
      startedAt = Date.now();
      t0 = performance.now();
    },
  });
}

async function main(): Promise<void> {
  const platform = await startLocalPlatform({ TURN_SECRET: "node-stalls-secret", LOG_LEVEL: "error" });
  const url = platform.signalingUrl;
  const times: number[] = [];
  const beforeTimes: number[] = [];
  try {
    await trial(url, 0); // warm-up
    for (let i = 1; i <= RUNS * (AB ? 2 : 1); i++) {
      const before = AB && i % 2 === 1;
      const ms = await trial(url, i, before);
      (before ? beforeTimes : times).push(ms);
      if (process.env.NODE_STALL_PCAP)
        process.stderr.write(
          `# trial ${i}${before ? " (before)" : ""} began ${(startedAt / 1000).toFixed(6)}: ${ms.toFixed(1)} ms\n`,
        );
      if (ms > STALL_MS && LOG) {
        process.stderr.write(
          `# trial ${i}${before ? " (before)" : ""}: ${ms.toFixed(1)} ms, libdatachannel log:\n`,
        );
        await new Promise((r) => setTimeout(r, 50)); // the last log lines
        for (const [t, m] of lines) process.stderr.write(`  ${t.toFixed(2).padStart(9)}  ${m}\n`);
      }
    }
  } finally {
    await platform.stop();
  }
  const summary = (xs: number[]) => ({
    runs: xs.length,
    stalls: xs.filter((t) => t > STALL_MS).length,
    medianMs: Number(median(xs).toFixed(2)),
  });
  console.log(`trials ${times.map((t) => t.toFixed(1)).join(" ")}`);
  if (AB) console.log(`trials before ${beforeTimes.map((t) => t.toFixed(1)).join(" ")}`);
  console.log(
    `RESULT ${JSON.stringify({ stallMs: STALL_MS, after: summary(times), ...(AB ? { before: summary(beforeTimes) } : {}) })}`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
