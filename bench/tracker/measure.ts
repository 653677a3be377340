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

/**
 * Resident memory once a process has been left idle for `idleMs` (V8's memory reducer and the allocator get to
 * give back what they will), as the median of 5 readings 200 ms apart.
 */
export async function settledRssBytes(pids: readonly number[], idleMs = 10_000): Promise<number[]> {
  await new Promise((r) => setTimeout(r, idleMs));
  const readings: number[][] = pids.map(() => []);
  for (let i = 0; i < 5; i++) {
    pids.forEach((pid, k) => readings[k]?.push(rssBytes(pid)));
    await new Promise((r) => setTimeout(r, 200));
  }
  return readings.map((v) => v.sort((a, b) => a - b)[2] ?? 0);
}
