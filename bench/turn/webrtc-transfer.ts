/**
 * Relayed bulk transfer: a large payload over a data channel between two real WebRTC stacks, relay-only
 * (`iceTransportPolicy: 'relay'`), through our TURN server and through coturn, both on their defaults (only
 * loopback peers allowed), alternating rounds; prints MB/s per round, medians and the ratio ours / coturn.
 *   node --conditions=source --import tsx bench/turn/webrtc-transfer.ts [--mb 32] [--rounds 3]
 *        [--stacks chromium,node-datachannel] [--env TURN_X=1,TURN_Y=2 (our server only, for diagnosis)]
 * Stacks: Chromium ↔ Chromium (playwright-core, /usr/bin/chromium, two pages of one browser) and
 * node-datachannel ↔ node-datachannel (both peers in this process). Every round uses fresh peer connections
 * and fresh REST credentials (a distinct user id per round) and checks that both ends used relay candidates.
 * Per round it also reads the server's CPU time (/proc/<pid>/stat, all threads: ms of CPU per MB relayed, which
 * the machine's load changes far less than MB/s) and the kernel's UDP receive-buffer drops (/proc/net/snmp
 * RcvbufErrors: of the whole network namespace, so run it in a namespace of its own for a clean count).
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import nodeDataChannel from "node-datachannel";
import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumLaunchOptions } from "@switchboard/test-support";
import { issueTurnCredentials } from "@switchboard/turn-credentials";
import { startCoturn, startSwitchboard, type RunningServer } from "./servers.js";
import { median } from "../median.js";

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

const BYTES = Number(arg("mb", "32")) * 1_000_000;
const ROUNDS = Number(arg("rounds", "3"));
const STACKS = arg("stacks", "chromium,node-datachannel").split(",");
/** Extra settings for our server only (diagnosis, e.g. `--env TURN_RELAY_BPS=0`); the figures use none. */
const OUR_ENV = Object.fromEntries(
  arg("env", "")
    .split(",")
    .filter((kv) => kv.includes("="))
    .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);
const SECRET = "bench-secret";
const PAGE_SCRIPT = fileURLToPath(new URL("./transfer-page.js", import.meta.url));
const ROUND_TIMEOUT_MS = 120_000;

interface Relay {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly credential: string;
}

let roundNo = 0;
function credentialsFor(server: RunningServer): Relay {
  const c = issueTurnCredentials({
    secret: SECRET,
    ttlSeconds: 600,
    userId: `bench${++roundNo}`,
    nowMs: Date.now(),
  });
  return { host: "127.0.0.1", port: server.port, username: c.username, credential: c.credential };
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what}: no result in ${ROUND_TIMEOUT_MS} ms`)),
        ROUND_TIMEOUT_MS,
      );
    }),
  ]);
}

/** Chromium ↔ Chromium: returns bytes/s from the first send to the last byte received. */
async function chromiumRound(browser: Browser, relay: Relay): Promise<number> {
  const context = await browser.newContext();
  try {
    const config = {
      iceServers: [
        {
          urls: `turn:${relay.host}:${relay.port}?transport=udp`,
          username: relay.username,
          credential: relay.credential,
        },
      ],
      iceTransportPolicy: "relay",
    };
    const [a, b] = [await context.newPage(), await context.newPage()];
    const call = <T>(page: Page, fn: string, ...args: unknown[]): Promise<T> =>
      page.evaluate<T>(`window.transferBench.${fn}(${args.map((x) => JSON.stringify(x)).join(",")})`);
    for (const page of [a, b]) {
      await page.addScriptTag({ path: PAGE_SCRIPT });
      await call(page, "setup", config, BYTES);
    }
    const answer = await call<unknown>(b, "answer", await call<unknown>(a, "offer"));
    await withTimeout(call(a, "connect", answer), "chromium connect");
    const started = performance.now();
    const [, got] = await withTimeout(
      Promise.all([call(a, "send", BYTES), call<{ bytes: number }>(b, "received")]),
      "chromium transfer",
    );
    const seconds = (performance.now() - started) / 1000;
    for (const page of [a, b]) {
      const pair = await call<{ local?: string; remote?: string } | undefined>(page, "selectedPair");
      if (pair?.local !== "relay" || pair.remote !== "relay")
        throw new Error(`chromium: selected pair is not relay↔relay: ${JSON.stringify(pair)}`);
    }
    if (got.bytes !== BYTES) throw new Error(`chromium: ${got.bytes} of ${BYTES} bytes`);
    for (const page of [a, b]) await call(page, "close");
    return BYTES / seconds;
  } finally {
    await context.close();
  }
}

/** node-datachannel ↔ node-datachannel in this process: bytes/s from the first send to the last byte. */
async function nodeDataChannelRound(relay: Relay): Promise<number> {
  const config = {
    iceServers: [
      {
        hostname: relay.host,
        port: relay.port,
        username: relay.username,
        password: relay.credential,
        relayType: "TurnUdp" as const,
      },
    ],
    iceTransportPolicy: "relay" as const,
  };
  // Each peer on a loopback address of its own that the relay does not accept as a peer (only 127.0.0.1 is
  // allowed, and permissions name 127.0.0.1, the relayed candidates' address). Both on 127.0.0.1, libjuice sends
  // from its host socket to the other side's relayed address, the other side learns that host address as a
  // peer-reflexive candidate and answers it directly: most of the payload then bypassed both servers (measured:
  // 18.7 of 128 MB crossed ours), and the figures measured the machine's noise, not the relay.
  const a = new nodeDataChannel.PeerConnection("a", { ...config, bindAddress: "127.0.0.2" });
  const b = new nodeDataChannel.PeerConnection("b", { ...config, bindAddress: "127.0.0.3" });
  const candidates: string[] = [];
  try {
    // Trickle: candidates go to the other side once it has a remote description (queued until then).
    const wire = (from: nodeDataChannel.PeerConnection, to: nodeDataChannel.PeerConnection) => {
      const queued: Array<[string, string]> = [];
      let ready = false;
      from.onLocalDescription((sdp, type) => {
        to.setRemoteDescription(sdp, type);
        ready = true;
        for (const [c, mid] of queued.splice(0)) to.addRemoteCandidate(c, mid);
      });
      from.onLocalCandidate((c, mid) => {
        candidates.push(c);
        if (ready) to.addRemoteCandidate(c, mid);
        else queued.push([c, mid]);
      });
    };
    wire(a, b);
    wire(b, a);
    // The receiving channel is held here: a collected wrapper stops delivering messages mid-transfer.
    const held: nodeDataChannel.DataChannel[] = [];
    const received = new Promise<number>((resolve) => {
      b.onDataChannel((dc) => {
        held.push(dc);
        let n = 0;
        dc.onMessage((m) => {
          n += typeof m === "string" ? Buffer.byteLength(m) : m.byteLength;
          if (n >= BYTES) resolve(n);
        });
      });
    });
    const dc = a.createDataChannel("bulk");
    await withTimeout(new Promise<void>((r) => dc.onOpen(() => r())), "node-datachannel connect");
    const relayOnly = candidates.length > 0 && candidates.every((c) => / typ relay( |$)/.test(c));
    if (!relayOnly) throw new Error(`node-datachannel: non-relay candidates: ${candidates.join(" | ")}`);
    const chunk = Buffer.alloc(64 * 1024, 1);
    const high = 4 * 1024 * 1024;
    dc.setBufferedAmountLowThreshold(high / 2);
    const started = performance.now();
    const send = new Promise<void>((resolve) => {
      let sent = 0;
      const pump = () => {
        while (sent < BYTES && dc.bufferedAmount() <= high) {
          const n = Math.min(chunk.length, BYTES - sent);
          dc.sendMessageBinary(n === chunk.length ? chunk : chunk.subarray(0, n));
          sent += n;
        }
        if (sent >= BYTES) resolve();
      };
      dc.onBufferedAmountLow(pump);
      pump();
    });
    const [, got] = await withTimeout(Promise.all([send, received]), "node-datachannel transfer");
    const seconds = (performance.now() - started) / 1000;
    if (got !== BYTES) throw new Error(`node-datachannel: ${got} of ${BYTES} bytes`);
    return BYTES / seconds;
  } finally {
    a.close();
    b.close();
  }
}

/** User + system CPU seconds of a process, all its threads (Linux; 0 where /proc is missing). */
function cpuSeconds(pid: number): number {
  try {
    // Fields after the ")" that ends the command name: state is field 3, utime 14 and stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}

/** UDP datagrams the kernel dropped for a full receive buffer, this network namespace (Linux; 0 elsewhere). */
function udpRcvbufErrors(): number {
  try {
    const lines = readFileSync("/proc/net/snmp", "utf8")
      .split("\n")
      .filter((l) => l.startsWith("Udp: "));
    const names = lines[0]?.split(" ") ?? [];
    const values = lines[1]?.split(" ") ?? [];
    return Number(values[names.indexOf("RcvbufErrors")] ?? 0);
  } catch {
    return 0;
  }
}

/** Bytes our server relayed toward peers so far (its metrics); undefined for coturn (no admin URL). */
async function relayedBytes(server: RunningServer): Promise<number | undefined> {
  if (server.adminUrl === undefined) return undefined;
  const metrics = await (await fetch(`${server.adminUrl}/metrics`)).text();
  const line = metrics
    .split("\n")
    .find((l) => l.startsWith('turn_relayed_bytes_total{direction="client_to_peer"}'));
  return Number(line?.split(" ")[1] ?? 0);
}

const mb = (bps: number): string => (bps / 1e6).toFixed(1);

async function main(): Promise<void> {
  const servers: RunningServer[] = [
    await startSwitchboard(SECRET, 40000, 44999, OUR_ENV),
    await startCoturn(SECRET, 45000, 49999),
  ];
  const browser = STACKS.includes("chromium") ? await chromium.launch(chromiumLaunchOptions()) : undefined;
  const results: Array<{
    stack: string;
    server: string;
    rates: number[];
    cpuMsPerMb: number[];
    rcvbufDrops: number;
  }> = [];
  try {
    for (const stack of STACKS) {
      const run = (relay: Relay) => {
        if (stack === "chromium" && browser !== undefined) return chromiumRound(browser, relay);
        if (stack === "node-datachannel") return nodeDataChannelRound(relay);
        throw new Error(`unknown stack ${stack}`);
      };
      // One unmeasured warm-up transfer per server (JIT, browser processes), then alternating rounds.
      for (const server of servers) await run(credentialsFor(server));
      const perServer = new Map(
        servers.map((s) => [s.name, { rates: [] as number[], cpuMsPerMb: [] as number[], rcvbufDrops: 0 }]),
      );
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? servers : [...servers].reverse();
        for (const server of order) {
          const cpuBefore = cpuSeconds(server.pid);
          const dropsBefore = udpRcvbufErrors();
          const relayedBefore = await relayedBytes(server);
          const rate = await run(credentialsFor(server));
          // The payload must have crossed the relay, not a path between the peers' host sockets.
          const relayedAfter = await relayedBytes(server);
          if (
            relayedBefore !== undefined &&
            relayedAfter !== undefined &&
            relayedAfter - relayedBefore < BYTES
          )
            throw new Error(
              `${stack}: only ${relayedAfter - relayedBefore} of ${BYTES} payload bytes crossed ${server.name}`,
            );
          const cpuMsPerMb = ((cpuSeconds(server.pid) - cpuBefore) * 1000) / (BYTES / 1e6);
          const drops = udpRcvbufErrors() - dropsBefore;
          const acc = perServer.get(server.name);
          acc?.rates.push(rate);
          acc?.cpuMsPerMb.push(cpuMsPerMb);
          if (acc !== undefined) acc.rcvbufDrops += drops;
          console.log(
            `${stack} round ${round + 1} ${server.name}: ${mb(rate)} MB/s, server CPU ${cpuMsPerMb.toFixed(1)} ms/MB, ` +
              `UDP rcvbuf drops ${drops}, load ${loadavg()[0]?.toFixed(1) ?? "?"}`,
          );
        }
      }
      for (const [server, r] of perServer) results.push({ stack, server, ...r });
    }
    // What our server on its defaults refused: the capacity and quota counters should stay at zero.
    const admin = servers[0]?.adminUrl;
    if (admin !== undefined) {
      const metrics = await (await fetch(`${admin}/metrics`)).text();
      const lines = metrics.split("\n");
      const drops = lines.filter((l) => l.startsWith("turn_dropped_packets_total"));
      console.log(`our server's drops: ${drops.length > 0 ? drops.join("; ") : "none"}`);
      // What our server relayed over all rounds and warm-ups: the proof that the payload crossed it.
      const relayed = lines.filter((l) => l.startsWith("turn_relayed_"));
      console.log(`our server relayed: ${relayed.join("; ")}`);
    }
  } finally {
    await browser?.close();
    for (const s of servers) await s.stop();
    // libdatachannel's threads keep the process alive after the last peer connection closed.
    if (STACKS.includes("node-datachannel")) nodeDataChannel.cleanup();
  }
  console.log(
    `\n${BYTES / 1e6} MB per transfer, relay-only, ${ROUNDS} alternating rounds, MB/s (1 MB = 10^6 bytes)`,
  );
  console.log(
    "| stack | server | rounds | median | ratio ours / coturn | server CPU ms/MB, median | UDP rcvbuf drops |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const stack of STACKS) {
    const ours = results.find((r) => r.stack === stack && r.server === "switchboard");
    const ref = results.find((r) => r.stack === stack && r.server === "coturn");
    if (ours === undefined || ref === undefined) continue;
    const ratio = (median(ours.rates) / median(ref.rates)).toFixed(2);
    for (const r of [ours, ref]) {
      console.log(
        `| ${stack} | ${r.server} | ${r.rates.map(mb).join(" / ")} | ${mb(median(r.rates))} | ${r === ours ? ratio : ""} ` +
          `| ${median(r.cpuMsPerMb).toFixed(1)} | ${r.rcvbufDrops} |`,
      );
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
