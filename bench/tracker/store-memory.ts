/**
 * In-process memory of the tracker's memory store: the benchmark's 1,000 torrents × 1,000 peers (1,000,000
 * announces, as the UDP listener hands them in) straight into a `MemorySwarmStore`, with no sockets, so what grows
 * is the store and the V8 / allocator state its use leaves behind.
 *
 *   node --conditions=source --import tsx bench/tracker/store-memory.ts [--fills 5] [--before <git-rev>]
 *
 * Every fill runs in a fresh process (`--expose-gc` plus the tracker's deployed node flags). Baseline: a warm-up
 * (20,000 peers announced into other torrents, then removed with `stopped`, so the code is compiled and V8's young
 * generation sized) and then `gc()` three times with a turn of the event loop between (V8 sweeps ArrayBuffers
 * concurrently). The same after the fill. Printed per peer held, medians over the fills: RSS growth, ArrayBuffers,
 * heap used and committed, the store's own `peerBytes`, and RSS growth read before the final `gc()` (what a live
 * process shows between collections). Where the tracker addon is built, the C store (`NativeSwarmStore`) is
 * filled too ("ours, C store"; `--no-native` leaves it out). `--before <rev>` fills the store as of that revision in
 * the same run, alternating with ours, for ratios. `--inspector-check` adds ours once more with the inspector open
 * (`--inspect=127.0.0.1:0`, as `run.ts --memory-gc` starts the service; no session attached): the same readings
 * with and without it show what the inspector itself adds to the growth. `--env NAME=value` (repeatable) adds ours
 * once more with those environment variables (e.g. `GLIBC_TUNABLES=…`, `MALLOC_ARENA_MAX=…`): an A/B of allocator
 * settings in one run; with `--inspector-check` that variant runs with the inspector open too.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { deployedAllocatorEnv, deployedNodeFlags } from "../deployed-node-flags.js";
import { INSPECT_FLAG } from "./inspector-gc.js";
import { exportRevision } from "./targets.js";
import { loadTrackerNative } from "../../services/tracker/src/state/native-binding.js";
import type * as StoreModuleNs from "../../services/tracker/src/state/memory-swarm-store.js";
import type * as NativeBindingNs from "../../services/tracker/src/state/native-binding.js";
import type * as NativeStoreNs from "../../services/tracker/src/state/native-swarm-store.js";

type StoreModule = typeof StoreModuleNs;
type MemorySwarmStoreLike =
  InstanceType<StoreModule["MemorySwarmStore"]> | InstanceType<typeof NativeStoreNs.NativeSwarmStore>;

const root = new URL("../../", import.meta.url).pathname;

interface Reading {
  rss: number;
  /** Anonymous resident memory (RSS less pages of files such as the node binary). */
  rssAnon: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

interface FillResult {
  peers: number;
  peerBytes: number;
  /** Growth from the baseline to the settled reading after the fill. */
  settled: Reading;
  /** RSS growth read right after the fill, before any `gc()`. */
  rssUnsettled: number;
  /** RSS at the baseline (the process's fixed cost after the warm-up). */
  baseRss: number;
  /** Slab bytes carved (in use + freed) and freed, when the store reports them. */
  slabCarved?: number;
  slabFree?: number;
}

const rssAnon = (): number =>
  Number(/RssAnon:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) * 1024;

const read = (): Reading => {
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    rssAnon: rssAnon(),
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
};

async function settle(): Promise<Reading> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc");
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 100));
  }
  return read();
}

/** The store to fill: `MemorySwarmStore` from `modulePath`, or the C store (`NativeSwarmStore` beside it). */
async function makeStore(modulePath: string, kind: string): Promise<MemorySwarmStoreLike> {
  const { ManualClock } = await import("@switchboard/runtime");
  const opts = { clock: new ManualClock(), peerTtlSeconds: 3600 };
  if (kind === "native") {
    const dir = dirname(modulePath);
    const { loadTrackerNative } = (await import(join(dir, "native-binding.ts"))) as typeof NativeBindingNs;
    const { NativeSwarmStore } = (await import(join(dir, "native-swarm-store.ts"))) as typeof NativeStoreNs;
    const { binding, reason } = loadTrackerNative();
    if (binding === undefined) throw new Error(`the C store is not built: ${reason}`);
    return new NativeSwarmStore({ ...opts, binding });
  }
  const { MemorySwarmStore } = (await import(modulePath)) as StoreModule;
  return new MemorySwarmStore(opts);
}

/** Child: one fill of the store whose module is `modulePath`; prints one JSON line. */
async function fill(modulePath: string, kind: string): Promise<void> {
  const { TORRENTS, PEERS, infoHash, pairOf, peerId, peerLeft, peerPort } = await import("./population.js");
  const store = await makeStore(modulePath, kind);
  const ip = new Uint8Array(16);
  ip.set([0xff, 0xff, 127, 0, 0, 1], 10);
  const select = { numwant: 50, family: "v4", withIds: false } as const;
  const announce = (hash: Uint8Array, p: number, remove: boolean): void => {
    const out = store.announce(
      {
        infoHash: hash,
        peerId: peerId(p),
        ip,
        port: peerPort(p),
        seeder: peerLeft(p) === 0,
        key: p,
        kind: "ip",
        remove,
        completed: false,
      },
      select,
    );
    if (!out.ok) throw new Error(`announce refused: ${out.failure}`);
  };
  // Warm-up on torrents outside the population, filled and emptied again (five times, so the code is optimised).
  const warm = Array.from({ length: 20 }, (_, i) => Buffer.alloc(20, 0xa0 + i));
  for (let round = 0; round < 5; round++)
    for (const remove of [false, true])
      for (let k = 0; k < 20_000; k++) announce(warm[k % 20], k % 1000, remove);
  if (store.totals().torrents !== 0) throw new Error("warm-up left swarms behind");
  const base = await settle();
  const total = TORRENTS * PEERS;
  for (let k = 0; k < total; k++) {
    const [t, p] = pairOf(k);
    announce(infoHash(t), p, false);
  }
  const rssUnsettled = process.memoryUsage().rss - base.rss;
  const after = await settle();
  const totals = store.totals();
  const peers = totals.seeders + totals.leechers;
  if (peers !== total) throw new Error(`store holds ${peers} peers, expected ${total}`);
  const growth = Object.fromEntries(
    Object.entries(after).map(([k, v]) => [k, v - base[k as keyof Reading]]),
  ) as unknown as Reading;
  const slabs = (store as { slabs?: () => { carvedBytes: number; freeBytes: number } }).slabs?.();
  const result: FillResult = {
    peers,
    peerBytes: totals.peerBytes ?? 0,
    settled: growth,
    rssUnsettled,
    baseRss: base.rss,
    slabCarved: slabs?.carvedBytes,
    slabFree: slabs?.freeBytes,
  };
  console.log(JSON.stringify(result));
}

function runChild(
  modulePath: string,
  store: string,
  extraFlags: readonly string[],
  env: Readonly<Record<string, string>>,
): FillResult {
  const flags = deployedNodeFlags(join(root, "services/tracker"));
  const r = spawnSync(
    process.execPath,
    [
      "--expose-gc",
      ...flags,
      ...extraFlags,
      "--conditions=source",
      "--import",
      "tsx",
      new URL(import.meta.url).pathname,
      "--child",
      modulePath,
      "--store",
      store,
    ],
    {
      cwd: root,
      env: { ...process.env, ...deployedAllocatorEnv(join(root, "services/tracker")), ...env },
      encoding: "utf8",
      maxBuffer: 1 << 20,
      timeout: 300_000,
    },
  );
  if (r.status !== 0) throw new Error(`fill failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "") as FillResult;
}

const med = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      fills: { type: "string", default: "5" },
      before: { type: "string" },
      child: { type: "string" },
      /** Internal: which store the child fills (js or native). */
      store: { type: "string", default: "js" },
      /** Leave out the C store (on by default where the tracker addon is built). */
      "no-native": { type: "boolean", default: false },
      "inspector-check": { type: "boolean", default: false },
      env: { type: "string", multiple: true, default: [] },
    },
  });
  if (values.child !== undefined) return fill(values.child, values.store);
  const rel = "services/tracker/src/state/memory-swarm-store.ts";
  const env: Record<string, string> = {};
  for (const pair of values.env) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`--env takes NAME=value, not ${pair}`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const withEnv = values.env.length > 0 ? `, ${values.env.join(" ")}` : "";
  const targets: Array<{
    name: string;
    module: string;
    store?: string;
    flags: string[];
    env: Record<string, string>;
  }> = [
    { name: "ours", module: join(root, rel), flags: [], env: {} },
    ...(values["no-native"] || loadTrackerNative().binding === undefined
      ? []
      : [{ name: "ours, C store", module: join(root, rel), store: "native", flags: [], env: {} }]),
  ];
  if (values.env.length > 0)
    targets.push({ name: `ours${withEnv}`, module: join(root, rel), flags: [], env });
  if (values["inspector-check"]) {
    targets.push({ name: "ours, inspector open", module: join(root, rel), flags: [INSPECT_FLAG], env: {} });
    if (values.env.length > 0)
      targets.push({
        name: `ours, inspector open${withEnv}`,
        module: join(root, rel),
        flags: [INSPECT_FLAG],
        env,
      });
  }
  if (values.before !== undefined)
    targets.push({
      name: `before (${values.before})`,
      module: join(exportRevision(values.before), rel),
      flags: [],
      env: {},
    });
  const fills = Math.max(1, Number(values.fills));
  const results = new Map<string, FillResult[]>(targets.map((t) => [t.name, []]));
  for (let i = 0; i < fills; i++) {
    for (const t of targets) {
      const r = runChild(t.module, t.store ?? "js", t.flags, t.env);
      results.get(t.name)?.push(r);
      const pp = (n: number): string => (n / r.peers).toFixed(1);
      console.log(
        `fill ${i + 1} ${t.name}: RSS ${pp(r.settled.rss)} B/peer (anonymous ${pp(r.settled.rssAnon)}, ` +
          `unsettled ${pp(r.rssUnsettled)}), ` +
          `ArrayBuffers ${pp(r.settled.arrayBuffers)}, heap used ${pp(r.settled.heapUsed)}, ` +
          `heap committed ${pp(r.settled.heapTotal)}, store ${pp(r.peerBytes)}, ` +
          `baseline RSS ${(r.baseRss / 2 ** 20).toFixed(1)} MiB` +
          (r.slabCarved === undefined
            ? ""
            : `, slabs carved ${pp(r.slabCarved)} (free ${pp(r.slabFree ?? 0)})`),
      );
    }
  }
  console.log(
    "\n| store | fills | RSS growth B/peer (settled; min–max) | RSS growth B/peer (before gc) | anonymous RSS B/peer | ArrayBuffers B/peer | heap used B/peer | heap committed B/peer | store peerBytes B/peer |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const [name, list] of results) {
    const per = (pick: (r: FillResult) => number): string =>
      med(list.map((r) => pick(r) / r.peers)).toFixed(1);
    const rss = list.map((r) => r.settled.rss / r.peers);
    const range = `${Math.min(...rss).toFixed(1)}–${Math.max(...rss).toFixed(1)}`;
    console.log(
      `| ${name} | ${list.length} | ${per((r) => r.settled.rss)} (${range}) | ${per((r) => r.rssUnsettled)} | ${per((r) => r.settled.rssAnon)} | ` +
        `${per((r) => r.settled.arrayBuffers)} | ${per((r) => r.settled.heapUsed)} | ` +
        `${per((r) => r.settled.heapTotal)} | ${per((r) => r.peerBytes)} |`,
    );
  }
}

await main();
