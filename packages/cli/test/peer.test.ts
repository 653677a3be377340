// `switchboard peer` against the local platform (scripts/start.mjs on free ports, from the build): two peers in one
// meeting connect and exchange stdin lines, a peer with another code sees neither, three form a full mesh,
// --relay connects through TURN on both ends; exit 2 for a missing MEETING_CODE, 1 with one clear line for an
// unreachable signaling URL; SIGTERM ends a peer with 0.
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "@switchboard/test-support";
import { startLocalPlatform, type LocalPlatform } from "../../../test/deploy/lib/local-platform.js";
import { runPeerToEnd, spawnPeer, type PeerEvent, type PeerProcess } from "./peer-process.js";

const SIGNALING_MAIN = fileURLToPath(new URL("../../../services/signaling/dist/main.js", import.meta.url));

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

const isEvent =
  (name: string, extra: (e: PeerEvent) => boolean = () => true) =>
  (e: PeerEvent) =>
    e.event === name && extra(e);
const joinedId = async (p: PeerProcess): Promise<string> => {
  const joined = await p.waitFor("joined", isEvent("joined"));
  const self = joined.self as { peerId?: unknown } | undefined;
  assert.equal(typeof self?.peerId, "string", JSON.stringify(joined));
  return self?.peerId as string;
};
const connectedTo = (p: PeerProcess, peerId: string) =>
  p.waitFor(
    `connection to ${peerId}`,
    isEvent("connectionEstablished", (e) => e.peerId === peerId),
  );
const uniqueCode = (label: string) => `${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

describe("switchboard peer: configuration and start-up failures", () => {
  it("exits 2 naming MEETING_CODE when it is missing", async () => {
    const r = await runPeerToEnd(["--json"], {});
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /MEETING_CODE is required/);
    assert.equal(r.stdout, "", "no event printed");
  });

  it("exits 2 for a malformed meeting code or signaling URL", async () => {
    const bad = await runPeerToEnd([], { MEETING_CODE: "no spaces allowed" });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /not a meeting code/);
    const url = await runPeerToEnd(["-m", "demo", "--signaling-url", "http://x/ws"], {});
    assert.equal(url.code, 2, url.stderr);
    assert.match(url.stderr, /ws:\/\/ or wss:\/\//);
  });

  it("exits 1 with one line saying signaling is unreachable", async () => {
    const port = await freePort();
    const url = `ws://127.0.0.1:${port}/ws`;
    const r = await runPeerToEnd(["--meeting", "demo", "--signaling-url", url], {});
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? "", new RegExp(`cannot reach signaling at ${url.replaceAll(".", "\\.")}`));
  });
});

describe("switchboard peer --relay without TURN", () => {
  it("exits 1 saying TURN is needed but none is configured", async () => {
    const port = await freePort();
    const signaling = spawn(process.execPath, [SIGNALING_MAIN], {
      env: {
        ...process.env,
        SIGNALING_HOST: "127.0.0.1",
        SIGNALING_PORT: String(port),
        SIGNALING_AUTO_CREATE_ROOMS: "true",
        TURN_URLS: "",
        TURN_SECRET: "",
        STUN_URLS: "",
        REDIS_URL: "",
        LOG_LEVEL: "warn",
      },
      stdio: "ignore",
    });
    try {
      await waitForHealth(`http://127.0.0.1:${port}/health`);
      const r = await runPeerToEnd(
        ["--meeting", uniqueCode("noturn"), "--relay", "-s", `ws://127.0.0.1:${port}/ws`],
        {},
      );
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /TURN is needed .* but signaling hands out no TURN server/);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    } finally {
      signaling.kill("SIGTERM");
    }
  });
});

describe("switchboard peer on the local platform", () => {
  let platform: LocalPlatform | undefined;
  const peers: PeerProcess[] = [];
  const peer = (name: string, args: string[]): PeerProcess => {
    const p = spawnPeer(name, [
      "--json",
      "--signaling-url",
      (platform as LocalPlatform).signalingUrl,
      ...args,
    ]);
    peers.push(p);
    return p;
  };

  beforeAll(async () => {
    platform = await startLocalPlatform();
  });
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.stop()));
    await platform?.stop();
  });

  it("two peers connect (method reported), exchange stdin lines, and a third with another code sees neither", async () => {
    const code = uniqueCode("pair");
    const a = peer("a", ["--meeting", code, "--node-id", "alice"]);
    const b = peer("b", ["--meeting", code, "--node-id", "bob"]);
    const other = peer("other", ["--meeting", uniqueCode("elsewhere"), "--node-id", "carol"]);
    const [idA, idB, idOther] = await Promise.all([joinedId(a), joinedId(b), joinedId(other)]);
    const [ab, ba] = await Promise.all([connectedTo(a, idB), connectedTo(b, idA)]);
    for (const c of [ab, ba])
      assert.ok(["host", "srflx", "prflx", "relay"].includes(c.method as string), JSON.stringify(c));

    a.send("hello from alice");
    b.send("hello from bob");
    const atB = await b.waitFor(
      "alice's line",
      isEvent("message", (e) => e.data === "hello from alice"),
    );
    const atA = await a.waitFor(
      "bob's line",
      isEvent("message", (e) => e.data === "hello from bob"),
    );
    assert.equal(atB.peerId, idA);
    assert.equal(atA.peerId, idB);

    // Isolation: the other meeting's peer joined alone and never heard of alice or bob, nor they of it.
    const otherJoined = other.events.find(isEvent("joined"));
    assert.deepEqual(otherJoined?.peers, []);
    for (const e of other.events) {
      assert.ok(!["peerDiscovered", "connectionEstablished", "message"].includes(e.event), JSON.stringify(e));
    }
    for (const p of [a, b]) {
      const seen = p.events.filter(
        (e) => e.event === "peerDiscovered" || e.event === "connectionEstablished",
      );
      assert.ok(
        seen.every((e) => e.peerId !== idOther),
        JSON.stringify(seen),
      );
    }

    for (const p of [a, b, other])
      assert.equal(await p.stop(), 0, `${p.name} exits 0 on SIGTERM:\n${p.stderr()}`);
  });

  it("three peers form a full mesh (one of them printing for people)", async () => {
    const code = uniqueCode("mesh");
    const ps = ["x", "y"].map((n) => peer(n, ["--meeting", code, "--node-id", n]));
    const human = spawnPeer("z", [
      "--meeting",
      code,
      "--node-id",
      "zed",
      "--signaling-url",
      (platform as LocalPlatform).signalingUrl,
    ]);
    peers.push(human);
    const ids = await Promise.all(ps.map(joinedId));
    await Promise.all(ps.flatMap((p, i) => ids.filter((_, j) => j !== i).map((id) => connectedTo(p, id))));
    // Each JSON peer is connected to two peers: the other JSON peer and the human-mode one.
    for (const p of ps) {
      await p.waitFor(
        "a second connection",
        () => new Set(p.events.filter(isEvent("connectionEstablished")).map((e) => e.peerId)).size >= 2,
      );
    }
    const deadline = Date.now() + 45_000;
    while ((human.stdout().match(/= connected to .* via (host|srflx|prflx|relay)/g) ?? []).length < 2) {
      assert.ok(
        Date.now() < deadline,
        `human-mode peer shows two connections:\n${human.stdout()}\n${human.stderr()}`,
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(human.stdout(), /joined meeting ".*" as zed/);
    ps[0]?.send("to everyone");
    await ps[1]?.waitFor(
      "the broadcast line",
      isEvent("message", (e) => e.data === "to everyone"),
    );
    await waitForText(human, /x: to everyone/);
  });

  it("--relay connects through our TURN: relay on both ends", async () => {
    const code = uniqueCode("relay");
    const a = peer("ra", ["--meeting", code, "--relay"]);
    const b = peer("rb", ["--meeting", code, "--relay"]);
    const [idA, idB] = await Promise.all([joinedId(a), joinedId(b)]);
    const [ab, ba] = await Promise.all([connectedTo(a, idB), connectedTo(b, idA)]);
    assert.equal(ab.method, "relay", JSON.stringify(ab));
    assert.equal(ba.method, "relay", JSON.stringify(ba));
    a.send("through the relay");
    await b.waitFor(
      "the relayed line",
      isEvent("message", (e) => e.data === "through the relay"),
    );
  });
});

async function waitForText(p: PeerProcess, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(p.stdout())) {
    if (Date.now() > deadline)
      throw new Error(`${p.name}: no ${String(pattern)} in:\n${p.stdout()}\n${p.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
