/**
 * Client benchmark (run by run.sh inside a loopback-only network namespace), ours and the reference side by side in
 * one run, medians of CLIENT_BENCH_RUNS trials (default 9), alternating which goes first:
 *  1. Chromium↔Chromium: time from `discoverPeers()` to the first data-channel message (SDK browser build on the
 *     local platform) against PeerJS 1.5.5 (`connect()` to the first message) on the PeerJS server 1.0.2; both get
 *     the same ICE servers (our STUN and TURN) and are registered with their signaling before the clock starts;
 *     ours twice: with the SDK's defaults (prepared connections) and with `prepareConnections: false`.
 *  2. Node↔Node (node-datachannel): the same time through the SDK.
 *  3. Throughput Node↔Node: the SDK's `send()` against a bare RTCDataChannel pump on node-datachannel (same chunk
 *     size, same high/low water marks), 32 MiB each.
 *  4. The browser build's size, minified and min+gzip.
 * A connection trial is bounded (CLIENT_BENCH_TRIAL_MS, default 60 s): one that does not finish is counted as stuck
 * (in the log and in RESULT), left out of its kind's median, the pages reload and the run goes on; the run fails
 * when more than a quarter of one kind's trials got stuck. Throughput trials still fail the run when stuck.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium, type Page } from "playwright-core";
import { chromiumLaunchOptions, freePort } from "@switchboard/test-support";
import { issueTurnCredentials } from "@switchboard/turn-credentials";
import { startLocalPlatform } from "../../test/deploy/lib/local-platform.js";
import { bareThroughput, sdkThroughput } from "./throughput.js";
import { nodeConnectTime } from "./node-pair.js";
import { median } from "../median.js";

const RUNS = Number(process.env.CLIENT_BENCH_RUNS ?? 9);
/** CLIENT_BENCH_TRIAL_MS: the bound of one connection trial (default 60 s; a small one exercises the stuck path). */
const TRIAL_MS = Number(process.env.CLIENT_BENCH_TRIAL_MS ?? 60_000);
/** CLIENT_BENCH_ONLY=chromium,node,throughput runs only those parts (default: all). */
/** CLIENT_BENCH_TRACE=1 prints each Chromium trial's steps (trace.js) on stderr, ms from B's start. */
const TRACE = process.env.CLIENT_BENCH_TRACE === "1";
const ONLY = new Set((process.env.CLIENT_BENCH_ONLY ?? "chromium,node,throughput").split(","));
const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const BUNDLE = root("packages/client/dist/browser/switchboard.js");
const PEERJS = root("bench/.peers/node_modules/peerjs/dist/peerjs.min.js");
const PEER_SERVER = root("bench/.peers/node_modules/peer/dist/bin/peerjs.js");
const SECRET = "client-bench-secret";

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const log = (line: string) => process.stderr.write(`# ${line}\n`);
/** Every trial is bounded: past `ms` it is given up with what it was doing (the late outcome is ignored). */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  p.catch(() => undefined); // a trial given up may still settle (or fail as its page reloads): not unhandled
  return Promise.race([
    p,
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new TrialTimeout(`timed out: ${what}`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}
class TrialTimeout extends Error {}
/**
 * A connection that never completes is a result, not a crash: a kind's stuck trials are counted, reported and
 * left out of its median, and the run goes on (after `recover`). A run fails when more than a quarter of any kind's
 * trials got stuck (a median over the rest would hide a broken client), or on any other error.
 */
const STUCK_MAX_SHARE = 0.25;
async function trial(
  what: string,
  run: () => Promise<number>,
  into: number[],
  stuck: Map<string, number>,
  recover: () => Promise<void>,
): Promise<void> {
  try {
    into.push(await run());
  } catch (err) {
    if (!(err instanceof TrialTimeout)) throw err;
    stuck.set(what, (stuck.get(what) ?? 0) + 1);
    log(`${err.message} (stuck trial ${stuck.get(what)} of ${what}; the run goes on)`);
    await recover();
  }
}
function checkStuck(stuck: Map<string, number>, trials: number): void {
  for (const [what, n] of stuck)
    if (n > trials * STUCK_MAX_SHARE)
      throw new Error(`${what}: ${n} of ${trials} trials stuck past their bound; no median reported`);
}
let seq = 0;
const code = (label: string) => `bench-${label}-${process.pid}-${++seq}`;

async function main(): Promise<void> {
  const platform = await startLocalPlatform({ TURN_SECRET: SECRET, LOG_LEVEL: "error" });
  const peerPort = await freePort();
  const peerServer = spawn(
    process.execPath,
    [PEER_SERVER, "--port", String(peerPort), "--host", "127.0.0.1"],
    {
      stdio: "ignore",
    },
  );
  const http = createServer((req, res) => {
    const files: Record<string, [string, string]> = {
      "/switchboard.js": [BUNDLE, "text/javascript"],
      "/peerjs.min.js": [PEERJS, "text/javascript"],
      "/page.js": [fileURLToPath(new URL("./page.js", import.meta.url)), "text/javascript"],
    };
    const f = files[req.url ?? ""];
    if (f) res.writeHead(200, { "content-type": f[1] }).end(readFileSync(f[0]));
    else
      res
        .writeHead(200, { "content-type": "text/html" })
        .end(
          '<!doctype html><script src="/peerjs.min.js"></script><script type="module">import * as sb from "/switchboard.js"; window.sb = sb;</script><script src="/page.js"></script>',
        );
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const creds = issueTurnCredentials({
    secret: SECRET,
    ttlSeconds: 3600,
    userId: "bench",
    nowMs: Date.now(),
  });
  const iceServers = [
    { urls: [`stun:127.0.0.1:${platform.ports.STUN_PORT}`] },
    {
      urls: [
        `turn:127.0.0.1:${platform.ports.TURN_PORT}?transport=udp`,
        `turn:127.0.0.1:${platform.ports.TURN_PORT}?transport=tcp`,
      ],
      username: creds.username,
      credential: creds.credential,
    },
  ];
  const browser = await chromium.launch(chromiumLaunchOptions({ fakeMediaDevices: true }));
  try {
    const context = await browser.newContext();
    if (TRACE) await context.addInitScript({ path: fileURLToPath(new URL("./trace.js", import.meta.url)) });
    await context.grantPermissions(["microphone", "camera"], { origin });
    const ready = async (page: Page): Promise<void> => {
      await page.waitForFunction(() => "sb" in globalThis && "bench" in globalThis && "peerjs" in globalThis);
      // A granted microphone lets Chromium offer loopback host candidates (as a call would).
      await page.evaluate(
        "navigator.mediaDevices.getUserMedia({ audio: true }).then((s) => s.getTracks().forEach((t) => t.stop()))",
      );
    };
    const pages: Page[] = [];
    for (let i = 0; i < 2; i++) {
      const page = await context.newPage();
      await page.goto(origin);
      await ready(page);
      pages.push(page);
    }
    const [a, b] = pages as [Page, Page];
    /** After a stuck trial: both pages start over (whatever the trial left open goes with them). */
    const reloadPages = async (): Promise<void> => {
      await Promise.all(pages.map((p) => p.reload().then(() => ready(p))));
      log("pages reloaded");
    };
    const stuck = new Map<string, number>();
    const call = <T>(page: Page, fn: string, arg: unknown): Promise<T> =>
      page.evaluate<T>(`window.bench.${fn}(${JSON.stringify(arg)})`);

    const printTrace = async (label: string) => {
      if (!TRACE) return;
      const take = (p: Page) => p.evaluate<[number, string][]>("window.__trace.splice(0)");
      const [ta, tb] = await Promise.all([take(a), take(b)]);
      const all = [
        ...ta.map(([t, w]) => [t, `A ${w}`] as const),
        ...tb.map(([t, w]) => [t, `B ${w}`] as const),
      ];
      all.sort((x, y) => x[0] - y[0]);
      const start = all.find(([, w]) => w === "B B discoverPeers" || w === "B B connect")?.[0] ?? 0;
      log(`trace ${label}`);
      for (const [t, w] of all) if (t >= start - 1) log(`  ${(t - start).toFixed(2).padStart(8)}  ${w}`);
    };
    // `prepared`: the SDK's default (prepareConnections on); `oursMs`: with prepareConnections: false, for comparison.
    const ours = async (prepareConnections = false): Promise<number> => {
      const opts = { signalingUrl: platform.signalingUrl, meetingCode: code("chromium"), prepareConnections };
      await call(a, "oursA", opts);
      const ms = await call<number>(b, "oursB", opts);
      await printTrace(`ours${prepareConnections ? " (prepared)" : ""} ${ms.toFixed(1)} ms`);
      await Promise.all([call(a, "close", null), call(b, "close", null)]);
      return ms;
    };
    const peerjs = async (): Promise<number> => {
      const server = { host: "127.0.0.1", port: peerPort, path: "/", key: "peerjs", debug: 0 };
      const idA = code("pa");
      await call(a, "peerjsA", { id: idA, server, iceServers });
      const ms = await call<number>(b, "peerjsB", { id: code("pb"), target: idA, server, iceServers });
      await printTrace(`PeerJS ${ms.toFixed(1)} ms`);
      await Promise.all([call(a, "close", null), call(b, "close", null)]);
      return ms;
    };
    const oursMs: number[] = [];
    const preparedMs: number[] = [];
    const peerjsMs: number[] = [];
    if (ONLY.has("chromium")) {
      log("chromium: warm-up");
      // page JIT, first TURN allocations (a stuck warm-up is not counted: the pages start over)
      await trial(
        "warm-up",
        () => within(TRIAL_MS, "chromium warm-up (ours)", ours(true)),
        [],
        new Map(),
        reloadPages,
      );
      await trial(
        "warm-up",
        () => within(TRIAL_MS, "chromium warm-up (PeerJS)", peerjs()),
        [],
        new Map(),
        reloadPages,
      );
      log("chromium: trials");
      // Three kinds per round, the order rotated each round: ours (defaults), ours without prepared connections, PeerJS.
      const kinds: [string, () => Promise<number>, number[]][] = [
        ["chromium (ours, defaults)", () => ours(true), preparedMs],
        ["chromium (ours, prepareConnections false)", () => ours(), oursMs],
        ["chromium (PeerJS)", () => peerjs(), peerjsMs],
      ];
      for (let i = 0; i < RUNS; i++)
        for (let k = 0; k < kinds.length; k++) {
          const [what, run, into] = kinds[(i + k) % kinds.length];
          await trial(what, () => within(TRIAL_MS, `${what} trial`, run()), into, stuck, reloadPages);
        }

      log(
        `chromium: ours (defaults) ${preparedMs.map((x) => fmt(x)).join(" ")}; prepareConnections false ${oursMs.map((x) => fmt(x)).join(" ")}; PeerJS ${peerjsMs.map((x) => fmt(x)).join(" ")}`,
      );
    }
    const nodeMs: number[] = [];
    if (ONLY.has("node")) {
      const node = () => within(TRIAL_MS, "node trial", nodeConnectTime(platform.signalingUrl, code("node")));
      const none = () => Promise.resolve();
      await trial("warm-up", node, [], new Map(), none);
      for (let i = 0; i < RUNS; i++) await trial("node", node, nodeMs, stuck, none);
      log(`node: ${nodeMs.map((x) => fmt(x)).join(" ")}`);
    }

    const sdkRate: number[] = [];
    const bareRate: number[] = [];
    for (let i = 0; ONLY.has("throughput") && i < Math.max(3, Math.ceil(RUNS / 3)); i++) {
      const sdk = () => within(120_000, "SDK throughput", sdkThroughput(platform.signalingUrl, code("rate")));
      const bare = () => within(120_000, "bare throughput", bareThroughput(iceServers));
      if (i % 2 === 0) {
        sdkRate.push(await sdk());
        bareRate.push(await bare());
      } else {
        bareRate.push(await bare());
        sdkRate.push(await sdk());
      }
      log(
        `throughput: SDK ${sdkRate.map((x) => fmt(x)).join(" ")}; bare ${bareRate.map((x) => fmt(x)).join(" ")}`,
      );
    }

    checkStuck(stuck, RUNS);
    if (stuck.size > 0)
      log(`stuck trials (left out of the medians): ${[...stuck].map(([w, n]) => `${w} ${n}`).join("; ")}`);

    const bundle = readFileSync(BUNDLE);
    const gz = gzipSync(bundle, { level: 9 }).length;
    const rows = [
      ["figure", "ours", "reference", "ratio", "target"],
      [
        "Chromium↔Chromium discoverPeers → first message, ms (median; SDK defaults)",
        fmt(median(preparedMs)),
        `${fmt(median(peerjsMs))} (PeerJS)`,
        fmt(median(preparedMs) / median(peerjsMs), 2),
        "≤ 0.8",
      ],
      [
        "same, ours with prepareConnections: false, ms (median)",
        fmt(median(oursMs)),
        `${fmt(median(peerjsMs))} (PeerJS)`,
        fmt(median(oursMs) / median(peerjsMs), 2),
        "—",
      ],
      ["Node↔Node discoverPeers → first message, ms (median)", fmt(median(nodeMs)), "—", "—", "—"],
      [
        "Node↔Node data channel, MiB/s (median, 32 MiB)",
        fmt(median(sdkRate)),
        `${fmt(median(bareRate))} (bare RTCDataChannel)`,
        `${fmt(median(sdkRate) / median(bareRate), 2)} (pairs: ${fmt(median(sdkRate.map((x, i) => x / (bareRate[i] ?? NaN))), 2)})`,
        "≥ 0.9",
      ],
      [
        "browser build, KiB min / min+gzip",
        `${fmt(bundle.length / 1024)} / ${fmt(gz / 1024)}`,
        "—",
        "—",
        "≤ 30 KB gzip",
      ],
    ];
    for (const r of rows) console.log(`| ${r.join(" | ")} |`);
    console.log(
      `RESULT ${JSON.stringify({ runs: RUNS, stuck: Object.fromEntries(stuck), oursMs, preparedMs, peerjsMs, nodeMs, sdkRate, bareRate, bundleBytes: bundle.length, gzipBytes: gz })}`,
    );
  } finally {
    await browser.close();
    http.close();
    peerServer.kill("SIGTERM");
    await platform.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
