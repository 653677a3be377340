/**
 * CPU time of the memory store alone per UDP-style announce: the benchmark's 1,000 torrents × 1,000 peers filled
 * into a `MemorySwarmStore` (and the C store behind `NativeSwarmStore`, the tracker addon's), then announces walked
 * as run.ts's load does (a torrent after another, the same peer for 1,000 announces: every announce finds its
 * swarm's records cold), each writing 50 IPv4 peers into a reply buffer as the UDP listener asks. No decoding, sockets or core: only what the store's layout costs.
 *
 *   flock /tmp/sb-bench.lock node --conditions=source --import tsx bench/tracker/store-path.ts \
 *     [--before <git-rev>] [--rounds 6] [--announces 2000000] [--stores js,native]
 *
 * Every (build, round) runs in a fresh process (rounds alternate which build goes first), so neither build's
 * memory or compiled code sits beside the other's. Printed: ns of CPU per announce, medians, and the ratios to the
 * first build (ours with the TypeScript store).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { exportRevision } from "./targets.js";
import { infoHash, peerId, peerLeft, peerPort, PEERS, TORRENTS } from "./population.js";
import type * as StoreModuleNs from "../../services/tracker/src/state/memory-swarm-store.js";
import type * as NativeBindingNs from "../../services/tracker/src/state/native-binding.js";
import type * as NativeStoreNs from "../../services/tracker/src/state/native-swarm-store.js";
import type { PeerSelection, SwarmStore } from "../../services/tracker/src/state/swarm-store.js";

const { values } = parseArgs({
  options: {
    before: { type: "string" },
    rounds: { type: "string", default: "6" },
    announces: { type: "string", default: "2000000" },
    /**
     * `sequential`: each swarm's peers announce in the order they joined (run.ts's load: slot after slot, which
     * lets one cache line of a column serve several announces); `strided`: in an order 919 slots apart (as
     * announces of peers in random order land).
     */
    order: { type: "string", default: "sequential" },
    /** Torrents of the population (1,000 as run.ts; 10 keeps every swarm in the CPU's caches: the misses' share). */
    torrents: { type: "string", default: String(TORRENTS) },
    /** Our stores to measure: js (MemorySwarmStore), native (NativeSwarmStore, the C store). */
    stores: { type: "string", default: "js,native" },
    /** Internal: run one measurement of the store under this service directory and print its figure. */
    child: { type: "string" },
    /** Internal: which store the child measures. */
    store: { type: "string", default: "js" },
  },
});

const root = new URL("../../", import.meta.url).pathname;

/** The store to measure: the TypeScript one, or the C one (its wrapper has the same announce). */
async function makeStore(serviceDir: string, kind: string): Promise<Pick<SwarmStore, "announce">> {
  const { systemClock } = await import("@switchboard/runtime");
  if (kind === "native") {
    const { loadTrackerNative } = (await import(
      join(serviceDir, "src/state/native-binding.ts")
    )) as typeof NativeBindingNs;
    const { NativeSwarmStore } = (await import(
      join(serviceDir, "src/state/native-swarm-store.ts")
    )) as typeof NativeStoreNs;
    const { binding, reason } = loadTrackerNative();
    if (binding === undefined) throw new Error(`the C store is not built: ${reason}`);
    return new NativeSwarmStore({ clock: systemClock, peerTtlSeconds: 3600, binding });
  }
  const { MemorySwarmStore } = (await import(
    join(serviceDir, "src/state/memory-swarm-store.ts")
  )) as typeof StoreModuleNs;
  return new MemorySwarmStore({ clock: systemClock, peerTtlSeconds: 3600 });
}

async function measure(
  serviceDir: string,
  kind: string,
  n: number,
  torrents: number,
  strided: boolean,
): Promise<number> {
  const store = await makeStore(serviceDir, kind);
  const ids = Array.from({ length: PEERS }, (_, p) => peerId(p));
  const ip = new Uint8Array(16);
  ip[10] = 0xff;
  ip[11] = 0xff;
  ip[12] = 127;
  ip[15] = 1;
  const into = new Uint8Array(2048);
  // Before round eight the store took `into` and `intoAt` and gave a view of it; now a target it reports into.
  const target = { bytes: into, at: 20, end: into.length, written: -1 };
  const oldContract = existsSync(join(serviceDir, "src/state/into-views.ts"));
  const select = oldContract
    ? ({ numwant: 50, family: "v4" as const, withIds: false, into, intoAt: 20 } as unknown as PeerSelection)
    : { numwant: 50, family: "v4" as const, withIds: false, into: target };
  let bytes = 0;
  const run = (from: number, count: number, order: (p: number) => number): void => {
    for (let k = from; k < from + count; k++) {
      const t = k % torrents;
      const p = order(Math.floor(k / torrents) % PEERS);
      target.written = -1;
      const out = store.announce(
        {
          infoHash: infoHash(t),
          peerId: ids[p] ?? peerId(p),
          ip,
          port: peerPort(p),
          seeder: peerLeft(p) === 0,
          key: undefined,
          kind: "ip",
          remove: false,
          completed: false,
        },
        select,
      );
      if (out instanceof Promise) throw new Error("the store answered asynchronously");
      if (!out.ok) throw new Error(`announce ${k} refused: ${out.failure}`);
      bytes += oldContract ? out.peers.compact4.length : target.written;
    }
  };
  const filled = torrents * PEERS;
  const order = strided ? (p: number): number => (p * 7919) % PEERS : (p: number): number => p;
  run(0, filled, (p) => p);
  // Warm the code on the filled store, then measure.
  run(filled, 200_000, order);
  bytes = 0;
  const cpu0 = process.cpuUsage();
  run(filled + 200_000, n, order);
  const cpu = process.cpuUsage(cpu0);
  if (bytes !== n * 300) throw new Error(`${bytes} bytes of peers for ${n} announces`);
  return ((cpu.user + cpu.system) * 1000) / n;
}

if (values.order !== "sequential" && values.order !== "strided")
  throw new Error(`--order is sequential or strided, not ${values.order}`);
if (values.child !== undefined) {
  const ns = await measure(
    values.child,
    values.store,
    Number(values.announces),
    Number(values.torrents),
    values.order === "strided",
  );
  const huge = /AnonHugePages:\s+(\d+) kB/.exec(readFileSync("/proc/self/smaps_rollup", "utf8"))?.[1];
  console.log(JSON.stringify({ ns, hugeKiB: Number(huge ?? 0) }));
} else {
  const stores = values.stores.split(",").filter((x) => x !== "");
  for (const kind of stores)
    if (kind !== "js" && kind !== "native") throw new Error(`--stores lists js and/or native, not ${kind}`);
  const builds = stores.map((kind) => ({
    name: `switchboard-${kind}`,
    dir: join(root, "services/tracker"),
    store: kind,
    ns: [] as number[],
  }));
  if (values.before !== undefined)
    builds.push({
      name: "switchboard-before",
      dir: join(exportRevision(values.before), "services/tracker"),
      store: "js",
      ns: [],
    });
  const self = new URL(import.meta.url).pathname;
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const b of round % 2 === 1 ? builds : [...builds].reverse()) {
      const r = spawnSync(
        process.execPath,
        [
          "--conditions=source",
          "--import",
          "tsx",
          self,
          "--child",
          b.dir,
          "--store",
          b.store,
          "--announces",
          String(values.announces),
          "--torrents",
          String(values.torrents),
          "--order",
          String(values.order),
        ],
        { cwd: root, encoding: "utf8" },
      );
      if (r.status !== 0) throw new Error(`${b.name}: exit ${r.status}\n${r.stderr}`);
      b.ns.push((JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as { ns: number }).ns);
    }
    console.log(`round ${round}: ${builds.map((b) => `${b.name} ${b.ns.at(-1)?.toFixed(0)} ns`).join(", ")}`);
  }
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1] ?? NaN;
  for (const b of builds) console.log(`${b.name}: median ${median(b.ns).toFixed(0)} ns CPU per announce`);
  const first = builds[0];
  for (const b of builds.slice(1))
    console.log(
      `${b.name} / ${first?.name}: ${(median(first?.ns ?? []) / median(b.ns)).toFixed(2)}× announces per CPU-second`,
    );
}
