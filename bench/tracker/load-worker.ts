/** A load generator thread: runs one HTTP or UDP phase on its own slice of the population walk. */
import { parentPort, workerData } from "node:worker_threads";
import { runHttpLoad } from "./load-http.js";
import { runUdpLoad } from "./load-udp.js";
import { Latencies } from "./measure.js";

export interface LoadJob {
  kind: "http" | "udp";
  port: number;
  /** HTTP connections, or UDP sockets. */
  width: number;
  window: number;
  seconds: number;
  /** This thread walks k = base + index + j × stride. */
  base: number;
  index: number;
  stride: number;
  /** When set, the walk wraps: k mod `wrap` (a warm-up that touches only the first `wrap` pairs). */
  wrap?: number;
}

export interface LoadReply {
  requests: number;
  errors: number;
  seconds: number;
  /** How many population steps this thread took. */
  steps: number;
  latencies: Float64Array;
}

const job = workerData as LoadJob;
let j = 0;
const next = (): number => {
  const k = job.base + job.index + j++ * job.stride;
  return job.wrap === undefined ? k : k % job.wrap;
};
const latencies = new Latencies();
const r =
  job.kind === "http"
    ? await runHttpLoad({
        port: job.port,
        path: "/announce",
        connections: job.width,
        seconds: job.seconds,
        next,
        latencies,
      })
    : await runUdpLoad({
        port: job.port,
        sockets: job.width,
        window: job.window,
        seconds: job.seconds,
        next,
        latencies,
      });
const samples = latencies.samples();
parentPort?.postMessage({ ...r, steps: j, latencies: samples } satisfies LoadReply, [
  samples.buffer as ArrayBuffer,
]);
