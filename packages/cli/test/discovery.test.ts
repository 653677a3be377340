// `switchboard peer` without a signaling service: peers of one meeting code find each other through our tracker's
// WebSocket endpoint (the built services/tracker, a real process) or through a private mainline DHT (a
// bittorrent-dht bootstrap node on loopback), exchange offers/answers there, connect and carry stdin lines; a peer
// with another code finds no one. No signaling service runs in this file: --signaling-url points at a closed port.
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import DHT from "bittorrent-dht";
import { freePort, freeUdpPort } from "@switchboard/test-support";
import { runPeerToEnd, spawnPeer, type PeerEvent, type PeerProcess } from "./peer-process.js";

const TRACKER_MAIN = fileURLToPath(new URL("../../../services/tracker/dist/main.js", import.meta.url));
const uniqueCode = (label: string) => `${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

async function waitForHealth(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} not healthy in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const joinedId = async (p: PeerProcess): Promise<string> => {
  const joined = await p.waitFor("joined", (e) => e.event === "joined", 60_000);
  const self = joined.self as { peerId?: unknown } | undefined;
  assert.equal(typeof self?.peerId, "string", JSON.stringify(joined));
  return self?.peerId as string;
};
const connectedTo = (p: PeerProcess, peerId: string): Promise<PeerEvent> =>
  p.waitFor(
    `connection to ${peerId}`,
    (e) => e.event === "connectionEstablished" && e.peerId === peerId,
    60_000,
  );
const messageFrom = (p: PeerProcess, peerId: string, data: string): Promise<PeerEvent> =>
  p.waitFor(
    `"${data}" from ${peerId}`,
    (e) => e.event === "message" && e.peerId === peerId && e.data === data,
  );
/** Every peer id a process has heard of (discovered, connected or messaged). */
const seen = (p: PeerProcess): Set<string> =>
  new Set(p.events.flatMap((e) => (typeof e.peerId === "string" ? [e.peerId] : [])));

/** Full mesh: every pair connected both ways, then a line from each reaches every other. */
async function assertMesh(peers: readonly PeerProcess[], ids: readonly string[]): Promise<void> {
  await Promise.all(peers.flatMap((p, i) => ids.filter((_, j) => j !== i).map((id) => connectedTo(p, id))));
  peers.forEach((p, i) => p.send(`line-from-${i}`));
  await Promise.all(
    peers.flatMap((p, i) => ids.flatMap((id, j) => (j === i ? [] : [messageFrom(p, id, `line-from-${j}`)]))),
  );
}

describe("switchboard peer --discovery tracker (no signaling service)", () => {
  let tracker: ChildProcess;
  let trackerUrl = "";
  let deadSignaling = "";
  const running: PeerProcess[] = [];

  beforeAll(async () => {
    const port = await freePort();
    tracker = spawn(process.execPath, [TRACKER_MAIN], {
      env: {
        ...process.env,
        TRACKER_HOST: "127.0.0.1",
        TRACKER_PORT: String(port),
        TRACKER_UDP: "false",
        LOG_LEVEL: "warn",
        REDIS_URL: "",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    await waitForHealth(`http://127.0.0.1:${port}/health`);
    trackerUrl = `ws://127.0.0.1:${port}/announce`;
    deadSignaling = `ws://127.0.0.1:${await freePort()}/ws`;
  });

  afterAll(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
    tracker.kill("SIGTERM");
  });

  it("two peers connect and exchange lines; a third with another code sees neither", async () => {
    const code = uniqueCode("trk");
    const common = ["--json", "--discovery", "tracker", "--signaling-url", deadSignaling];
    const a = spawnPeer("a", [...common, "-m", code, "-n", "alice", "--tracker", trackerUrl]);
    const b = spawnPeer("b", [...common, "-m", code, "-n", "bob"], { TRACKER_URLS: trackerUrl });
    const x = spawnPeer("x", [...common, "-m", uniqueCode("other"), "--tracker", trackerUrl]);
    running.push(a, b, x);
    const [idA, idB, idX] = await Promise.all([joinedId(a), joinedId(b), joinedId(x)]);
    await assertMesh([a, b], [idA, idB]);
    // x joined before the others connected and has been announcing since: it heard of no one, no one of it.
    assert.deepEqual([...seen(x)], []);
    assert.ok(!seen(a).has(idX) && !seen(b).has(idX));
    const names = a.events.find((e) => e.event === "peerDiscovered" && e.peerId === idB);
    assert.equal(names?.name, "bob");
    for (const p of [a, b, x]) assert.equal(await p.stop(), 0, p.stderr());
    running.length = 0;
  }, 150_000);

  it("exit 2 for a missing or non-WebSocket tracker, 1 with one line for an unreachable one", async () => {
    const missing = await runPeerToEnd(["-m", "demo", "--discovery", "tracker"], {});
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /TRACKER_URLS is required/);
    const http = await runPeerToEnd(
      ["-m", "demo", "--discovery", "tracker", "--tracker", "http://x/announce"],
      {},
    );
    assert.equal(http.code, 2, http.stderr);
    assert.match(http.stderr, /not ws:\/\/ or wss:\/\//);
    const mode = await runPeerToEnd(["-m", "demo", "--discovery", "carrier-pigeon"], {});
    assert.equal(mode.code, 2, mode.stderr);
    assert.match(mode.stderr, /expected signaling, tracker or dht/);
    const dead = `ws://127.0.0.1:${await freePort()}/announce`;
    const down = await runPeerToEnd(["-m", "demo", "--discovery", "tracker", "--tracker", dead], {});
    assert.equal(down.code, 1, down.stderr);
    assert.match(down.stderr, /^switchboard peer: cannot discover peers: no tracker answered/);
    assert.equal(down.stderr.trim().split("\n").length, 1, down.stderr);
  }, 90_000);
});

describe("switchboard peer --discovery dht (no signaling service, no tracker)", () => {
  let bootstrap: DHT;
  let node = "";
  let deadSignaling = "";
  const running: PeerProcess[] = [];

  beforeAll(async () => {
    const port = await freeUdpPort();
    bootstrap = new DHT({ bootstrap: false, host: false });
    await new Promise<void>((resolve) => bootstrap.listen(port, "127.0.0.1", () => resolve()));
    node = `127.0.0.1:${port}`;
    deadSignaling = `ws://127.0.0.1:${await freePort()}/ws`;
  });

  afterAll(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
    await new Promise<void>((r) => bootstrap.destroy(() => r()));
  });

  it("three peers find each other through a private bootstrap node and connect; another code finds no one", async () => {
    const code = uniqueCode("dht");
    const common = ["--json", "--discovery", "dht", "--signaling-url", deadSignaling];
    const peers = [
      spawnPeer("a", [...common, "-m", code, "--dht-bootstrap", node]),
      spawnPeer("b", [...common, "-m", code], { DHT_BOOTSTRAP: node }),
      spawnPeer("c", [...common, "-m", code, "--dht-bootstrap", node]),
    ];
    const x = spawnPeer("x", [...common, "-m", uniqueCode("other"), "--dht-bootstrap", node]);
    running.push(...peers, x);
    const ids = await Promise.all(peers.map(joinedId));
    const idX = await joinedId(x);
    await assertMesh(peers, ids);
    assert.deepEqual([...seen(x)], []);
    for (const p of peers) assert.ok(!seen(p).has(idX), `${p.name} heard of x`);
    for (const p of [...peers, x]) assert.equal(await p.stop(), 0, p.stderr());
    running.length = 0;
  }, 180_000);

  it("exit 2 for a malformed bootstrap node, 1 with one line when no DHT node answers", async () => {
    const bad = await runPeerToEnd(["-m", "demo", "--discovery", "dht", "--dht-bootstrap", "nohost"], {});
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /DHT_BOOTSTRAP: "nohost" is not HOST:PORT/);
    const silent = `127.0.0.1:${await freeUdpPort()}`;
    const down = await runPeerToEnd(["-m", "demo", "--discovery", "dht", "--dht-bootstrap", silent], {});
    assert.equal(down.code, 1, down.stderr);
    assert.match(down.stderr, /^switchboard peer: cannot discover peers: no DHT bootstrap node answered/);
    assert.equal(down.stderr.trim().split("\n").length, 1, down.stderr);
  }, 90_000);
});
