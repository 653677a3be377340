/**
 * The JavaScript cost of one UDP announce, without sockets or a load generator: datagram bytes → decode →
 * connection-id check → core → memory store → reply bytes, in one process, for this checkout's tracker and, with
 * `--before <git-rev>`, the tracker of that revision (exported as run.ts does), rounds alternating. The figure is
 * CPU time per announce (process.cpuUsage), so other load on the machine disturbs it little; the kernel's
 * share (recvmmsg/sendmmsg) is not in it — bench/tracker/run.ts and probe.ts measure the whole.
 *
 *   flock /tmp/sb-bench.lock node --conditions=source --import tsx bench/tracker/announce-path.ts \
 *     [--before <git-rev>] [--rounds 5] [--announces 1000000] [--store js|native]
 *
 * `--store native` runs this checkout with the C memory store (`NativeSwarmStore`, the tracker addon); the
 * `--before` build keeps the store it had.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createLogger, createMetricsRegistry, systemClock } from "@switchboard/runtime";
import { infoHash, pairOf, peerId, peerLeft, peerPort, PEERS, TORRENTS } from "./population.js";
import { exportRevision } from "./targets.js";
import { median } from "../median.js";

const { values } = parseArgs({
  options: {
    before: { type: "string" },
    rounds: { type: "string", default: "5" },
    announces: { type: "string", default: "1000000" },
    /** This checkout's memory store: js (`MemorySwarmStore`) or native (the C store). */
    store: { type: "string", default: "js" },
    /** HTTP announces through the HTTP handler before each round, as run.ts's HTTP phase precedes its UDP one. */
    http: { type: "string", default: "0" },
  },
});

const root = new URL("../../", import.meta.url).pathname;

type Send = (body: Uint8Array, port: number, address: string) => void;
/** One announce datagram in, its reply handed to `send`. */
type Handle = (msg: Buffer, address: string, port: number, send: Send) => void;
/** One HTTP request target (path and query) from a client address → the reply body. */
type HandleHttp = (target: string, address: string) => Promise<Uint8Array> | undefined;

/** The two builds are loaded by path; what each module is used for is typed here (and checked by the replies). */
type Ctor = new (opts: object) => object;
async function pick<T>(file: string, name: string): Promise<T> {
  return ((await import(file)) as Record<string, unknown>)[name] as T;
}

async function load(serviceDir: string, kind: string): Promise<{ handle: Handle; handleHttp: HandleHttp }> {
  const src = join(serviceDir, "src");
  const TrackerCore = await pick<Ctor>(join(src, "core/tracker-core.ts"), "TrackerCore");
  const MemorySwarmStore = await pick<new (opts: object) => { totals(): object }>(
    join(src, "state/memory-swarm-store.ts"),
    "MemorySwarmStore",
  );
  const createTrackerMetrics = await pick<(registry: unknown, totals: () => object) => object>(
    join(src, "metrics.ts"),
    "createTrackerMetrics",
  );
  const AccessPolicy = await pick<Ctor>(join(src, "access/access-policy.ts"), "AccessPolicy");
  const ConnectionIds = await pick<new (clock: unknown) => object>(
    join(src, "transport/udp/connection-ids.ts"),
    "ConnectionIds",
  );
  const decode = await pick<(msg: Buffer) => object>(
    join(src, "transport/udp/udp-codec.ts"),
    "decodeUdpRequest",
  );
  const handleUdpRequest = await pick<(...args: unknown[]) => unknown>(
    join(src, "transport/udp/udp-tracker.ts"),
    "handleUdpRequest",
  );
  const storeOpts = { clock: systemClock, peerTtlSeconds: 3600 };
  const store =
    kind === "native"
      ? (
          await pick<(choice: string, opts: object) => { store: { totals(): object } }>(
            join(src, "state/memory-store.ts"),
            "createMemoryStore",
          )
        )("native", storeOpts).store
      : new MemorySwarmStore(storeOpts);
  const metrics = createTrackerMetrics(createMetricsRegistry(), () => store.totals());
  const core = new TrackerCore({
    store,
    access: new AccessPolicy({ mode: "open", hashes: new Set(), passkeys: new Set() }),
    metrics,
    limiter: undefined,
    intervalSeconds: 1800,
    minIntervalSeconds: 900,
    numwantDefault: 50,
    numwantMax: 200,
    scrapeMax: 74,
    scrapeAll: true,
  });
  const logger = createLogger({ name: "bench", level: "silent" });
  const opts = { core, connectionIds: new ConnectionIds(systemClock), metrics, logger };
  const createHttp = await pick<(o: object) => HandleHttp>(
    join(src, "transport/http/http-tracker.ts"),
    "createTrackerRequestHandler",
  );
  const handleHttp = createHttp({ core, metrics, logger });
  // Before this work the handler took a reply closure (4 parameters); now the port and the socket.
  if (handleUdpRequest.length === 4)
    return {
      handleHttp,
      handle: (msg, address, port, send) => {
        handleUdpRequest(opts, decode(msg), address, (body: Uint8Array) => send(body, port, address));
      },
    };
  const udp = (await import(join(src, "transport/udp/udp-tracker.ts"))) as Record<string, unknown>;
  if (udp.UdpAnnouncer === undefined) {
    // Before round eight: one handler for every action; the native backend's socket copies each reply before
    // `send` returns, so the tracker built replies in a buffer of its own (a plain Uint8Array with its `.buffer`
    // and views by length, as that UdpTracker.listen made it) and `send` copied them.
    const replyBuffer = new Uint8Array(8192);
    const replyTo = {
      replyBuffer,
      replyBytes: replyBuffer.buffer,
      replyViews: new Array<Uint8Array | undefined>(8192 + 1).fill(undefined),
    };
    return {
      handleHttp,
      handle: (msg, address, port, send) => {
        handleUdpRequest(opts, decode(msg), address, port, { send, ...replyTo });
      },
    };
  }
  // Since round eight: announces through `UdpAnnouncer`, their replies built in place in the send queue (this
  // stand-in of the reactor's: a reservation in `sendArena`, committed as the reactor queues it).
  const UdpAnnouncer = udp.UdpAnnouncer as new (
    ctx: object,
    to: { send: Send },
    inPlace: object,
  ) => { handle(msg: Buffer, address: string, port: number): unknown };
  let sendTo: Send = send;
  let reserved = -1;
  const to = {
    send: (body: Uint8Array, port: number, address: string): void => {
      reserved = -1;
      sendTo(body, port, address);
    },
  };
  const inPlace = {
    arena: sendArena,
    reserveReply(max: number): number {
      if (sentBytes + max > sendArena.length) sentBytes = 0;
      reserved = sentBytes;
      return reserved;
    },
    commitReply(length: number): boolean {
      if (reserved < 0) return false;
      if (sendArena[reserved + 3] === 1) replies++;
      sentBytes += length;
      reserved = -1;
      return true;
    },
  };
  const announcer = new UdpAnnouncer(opts, to, inPlace);
  return {
    handleHttp,
    handle: (msg, address, port, send) => {
      sendTo = send;
      if (msg.length >= 16 && msg[11] === 1) announcer.handle(msg, address, port);
      else handleUdpRequest(opts, decode(msg), address, port, to);
    },
  };
}

/** Peer ids made once (population.ts makes a new Buffer per call). */
const PEER_IDS = Array.from({ length: PEERS }, (_, p) => peerId(p));

/** The load generators' requests: 8 client addresses, the population walked as in run.ts. */
const ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 1}`);

interface Build {
  name: string;
  handle: Handle;
  handleHttp: HandleHttp;
  k: number;
  /** One per client address. */
  connectionIds: Buffer[];
  replies: number;
  cpuNsPerAnnounce: number[];
}

/** A receive-arena stand-in: requests are written into one buffer and handed over as views, as the reactor does. */
const arena = Buffer.alloc(64 * 128);
/** A plain Uint8Array, as the reactor's send arena is. */
const sendArena = new Uint8Array(1 << 20);
let sentBytes = 0;
/** Announce replies (action 1) of the build being run. */
let replies = 0;
const send: Send = (body) => {
  // The native backend copies each reply into its send arena.
  if (sentBytes + body.length > sendArena.length) sentBytes = 0;
  sendArena.set(body, sentBytes);
  sentBytes += body.length;
  if (body[3] === 1) replies++;
};

const latin1Url = (b: Buffer): string => Array.from(b, (x) => `%${x.toString(16).padStart(2, "0")}`).join("");

/** `n` HTTP announces of the population (as load-http.ts sends them), awaited in chunks. */
async function httpAnnounces(b: Build, n: number): Promise<void> {
  for (let done = 0; done < n; done += 64) {
    const replies: Promise<Uint8Array>[] = [];
    for (let i = 0; i < 64; i++) {
      const [t, p] = pairOf(b.k++);
      const reply = b.handleHttp(
        `/announce?info_hash=${latin1Url(infoHash(t))}&peer_id=${latin1Url(PEER_IDS[p] ?? peerId(p))}` +
          `&port=${peerPort(p)}&uploaded=0&downloaded=0&left=${peerLeft(p)}&compact=1&numwant=50`,
        "127.0.0.1",
      );
      if (reply === undefined) throw new Error(`${b.name}: the HTTP handler took no announce`);
      replies.push(reply);
    }
    await Promise.all(replies);
  }
}

function announces(b: Build, n: number): void {
  replies = 0;
  for (let done = 0; done < n; done += 64) {
    const batch = Math.min(64, n - done);
    for (let i = 0; i < batch; i++) {
      const [t, p] = pairOf(b.k++);
      const at = i * 128;
      b.connectionIds[i & 7]?.copy(arena, at);
      arena.writeUInt32BE(1, at + 8);
      arena.writeUInt32BE(b.k >>> 0, at + 12);
      infoHash(t).copy(arena, at + 16);
      PEER_IDS[p]?.copy(arena, at + 36);
      arena.writeBigUInt64BE(0n, at + 56);
      arena.writeBigUInt64BE(BigInt(peerLeft(p)), at + 64);
      arena.writeBigUInt64BE(0n, at + 72);
      arena.writeUInt32BE(0, at + 80);
      arena.writeUInt32BE(p, at + 88);
      arena.writeInt32BE(50, at + 92);
      arena.writeUInt16BE(peerPort(p), at + 96);
    }
    // The reactor's queue starts over at each batch's flush: replies land in the same first kilobytes.
    sentBytes = 0;
    for (let i = 0; i < batch; i++) {
      const address = ADDRESSES[i & 7] ?? "127.0.0.1";
      b.handle(Buffer.from(arena.buffer, arena.byteOffset + i * 128, 98), address, 40_000 + (i & 7), send);
    }
  }
  b.replies = replies;
}

async function prepare(name: string, serviceDir: string, kind: string): Promise<Build> {
  const { handle, handleHttp } = await load(serviceDir, kind);
  // Each client address connects once (BEP 15 ids are per address).
  const connectionIds = ADDRESSES.map((address) => {
    const connect = Buffer.alloc(16);
    connect.writeBigUInt64BE(0x41727101980n, 0);
    let id: Buffer | undefined;
    handle(connect, address, 40_000, (body) => (id = Buffer.from(body.subarray(8, 16))));
    if (id === undefined) throw new Error(`${name}: no connect reply`);
    return id;
  });
  const b: Build = { name, handle, handleHttp, k: 0, connectionIds, replies: 0, cpuNsPerAnnounce: [] };
  // Fill every (torrent, peer) once, as run.ts's fill does; every reply must be an announce reply.
  announces(b, TORRENTS * PEERS);
  if (b.replies !== TORRENTS * PEERS) throw new Error(`${name}: ${b.replies} announce replies to the fill`);
  return b;
}

if (values.store !== "js" && values.store !== "native")
  throw new Error(`--store is js or native, not ${values.store}`);
const builds = [await prepare("switchboard", join(root, "services/tracker"), values.store)];
if (values.before !== undefined)
  builds.push(
    await prepare("switchboard-before", join(exportRevision(values.before), "services/tracker"), "js"),
  );
const n = Number(values.announces);
for (let round = 1; round <= Number(values.rounds); round++) {
  for (const b of round % 2 === 1 ? builds : [...builds].reverse()) {
    await httpAnnounces(b, Number(values.http));
    const cpu0 = process.cpuUsage();
    announces(b, n);
    const cpu = process.cpuUsage(cpu0);
    if (b.replies !== n) throw new Error(`${b.name}: ${b.replies} announce replies to ${n} announces`);
    b.cpuNsPerAnnounce.push(((cpu.user + cpu.system) * 1000) / n);
  }
  console.log(
    `round ${round}: ${builds.map((b) => `${b.name} ${b.cpuNsPerAnnounce.at(-1)?.toFixed(0)} ns`).join(", ")}`,
  );
}
for (const b of builds)
  console.log(`${b.name}: median ${median(b.cpuNsPerAnnounce).toFixed(0)} ns CPU per announce`);
if (builds.length === 2) {
  const [a, z] = builds.map((b) => median(b.cpuNsPerAnnounce));
  console.log(`switchboard / before: ${((z ?? NaN) / (a ?? NaN)).toFixed(2)}× announces per CPU-second`);
}
