// Preload (`node --import=…/memory-log.mjs`): appends the process's memory breakdown to $MEMORY_LOG (JSON lines)
// every 10 s — RSS, V8 heap total/used, external and ArrayBuffer memory, and each V8 space's used/committed KiB.
import { appendFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";

const file = process.env.MEMORY_LOG;
if (file) {
  const t0 = Date.now();
  const kib = (n) => Math.round(n / 1024);
  setInterval(() => {
    const m = process.memoryUsage();
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((s) => [
        s.space_name,
        [kib(s.space_used_size), kib(s.physical_space_size)],
      ]),
    );
    const line = {
      t: Math.round((Date.now() - t0) / 1000),
      rss: kib(m.rss),
      heapTotal: kib(m.heapTotal),
      heapUsed: kib(m.heapUsed),
      external: kib(m.external),
      arrayBuffers: kib(m.arrayBuffers),
      spaces,
    };
    appendFileSync(file, JSON.stringify(line) + "\n");
  }, 10_000).unref();
}
