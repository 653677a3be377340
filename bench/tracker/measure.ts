import { readFileSync } from "node:fs";

/** Latency samples (ms) kept in a growable typed array. */
export class Latencies {
  #data = new Float64Array(1 << 20);
  #n = 0;
  add(ms: number): void {
    if (this.#n === this.#data.length) {
      const next = new Float64Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.#n++] = ms;
  }
  get count(): number {
    return this.#n;
  }
  /** A copy of the samples (to send from a load thread). */
  samples(): Float64Array {
    return this.#data.slice(0, this.#n);
  }
  addAll(samples: Float64Array): void {
    for (const s of samples) this.add(s);
  }
  percentile(p: number): number {
    if (this.#n === 0) return NaN;
    const sorted = this.#data.slice(0, this.#n).sort();
    return sorted[Math.min(this.#n - 1, Math.floor((p / 100) * this.#n))] ?? NaN;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory of a process, bytes. */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) * 1024;
}

/** Anonymous resident memory of a process (RSS less file-backed and shared-memory pages), bytes. */
export function rssAnonBytes(pid: number): number {
  const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) * 1024;
}

/**
 * Resident memory once processes have been left idle: after `minIdleMs` (V8's memory reducer starts about 8 s
 * after allocation stops), readings every 500 ms until the last six of every process lie within 1 % of each
 * other (or `maxIdleMs` passed); each process's figure is the median of those six. Taken the same way at both
 * ends of a measurement, so both readings find V8 and the allocator in the same idle state.
 */
export async function settledRssBytes(
  pids: readonly number[],
  minIdleMs = 10_000,
  maxIdleMs = 40_000,
): Promise<number[]> {
  const started = Date.now();
  await new Promise((r) => setTimeout(r, minIdleMs));
  const readings: number[][] = pids.map(() => []);
  const last = (v: readonly number[]): number[] => v.slice(-6);
  const steady = (v: readonly number[]): boolean => {
    const w = last(v);
    return w.length === 6 && Math.max(...w) - Math.min(...w) <= 0.01 * Math.max(...w);
  };
  for (;;) {
    pids.forEach((pid, k) => readings[k]?.push(rssBytes(pid)));
    if (readings.every(steady) || Date.now() - started > maxIdleMs) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return readings.map((v) => {
    const w = last(v).sort((a, b) => a - b);
    return w[w.length >> 1] ?? 0;
  });
}
