// The compose topology as plain processes: Redis, two signaling instances and a tracker behind the real nginx with
// the project's nginx files (ports adjusted), STUN and TURN, and a real Prometheus with the project's scrape config
// (targets adjusted). Clients that nginx sends to different signaling instances meet in one room; a tracker
// announce through nginx works; Prometheus sees every target up; after one signaling instance is killed, the other
// keeps serving and the room works again once the clients reconnect.
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { localVars, writeNginxTree, type NginxTree } from "../lib/nginx-config.js";
import { startNginx } from "../lib/nginx-run.js";
import { freePort } from "@switchboard/test-support";
import { startProc, stopProc, waitForHttp, waitUntil, type Proc, type Running } from "../lib/processes.js";
import { activeTargets, query, startPrometheus } from "../lib/prometheus-run.js";
import { dashboardExprs } from "../lib/promql.js";
import { SERVICE_NAMES, startService, type RunningService } from "../lib/services.js";
import { SignalingClient } from "../lib/signaling-client.js";
import { allocate, stunBinding } from "../lib/turn-client.js";

const SECRET = "stack-test-turn-secret-0123456789";

async function tcpReady(port: number, timeoutMs: number): Promise<void> {
  await waitUntil(
    `TCP port ${port}`,
    () =>
      new Promise<boolean>((resolve) => {
        const s = connect(port, "127.0.0.1");
        s.once("connect", () => (s.destroy(), resolve(true)));
        s.once("error", () => resolve(false));
      }),
    timeoutMs,
  );
}

function logLines(tree: NginxTree): { uri: string; upstream: string; status: number }[] {
  let text: string;
  try {
    text = readFileSync(tree.accessLog, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { uri: string; upstream: string; status: number });
}

function percentEncode(bytes: Uint8Array): string {
  return [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
}

describe("deploy stack: nginx + 2 signaling + tracker + STUN + TURN + Redis + Prometheus", () => {
  const dir = mkdtempSync(join(tmpdir(), "sb-stack-"));
  const procs: Running[] = [];
  const services: RunningService[] = [];
  const clients: SignalingClient[] = [];
  let redis: Proc | undefined;
  let nginx: Running | undefined;
  let tree: NginxTree | undefined;
  let base = "";
  let prom = "";
  let sig: RunningService[] = [];
  let roomId = "";

  beforeAll(async () => {
    chmodSync(dir, 0o755); // nginx workers run unprivileged and read health.ssi below this folder
    const redisPort = await freePort();
    redis = startProc("redis", "redis-server", [
      "--port",
      String(redisPort),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
    procs.push(redis);
    await tcpReady(redisPort, 10_000);
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    // STUN and TURN first: signaling hands out their URLs (with credentials from the shared secret).
    const first = await Promise.allSettled([
      startService("stun"),
      startService("turn", { turnSecret: SECRET }),
    ]);
    for (const r of first) if (r.status === "fulfilled") services.push(r.value);
    procs.push(...services.map((s) => s.proc));
    const firstFailed = first.find((r) => r.status === "rejected");
    if (firstFailed) throw firstFailed.reason;
    const ice = {
      TURN_URLS: `turn:127.0.0.1:${services.find((s) => s.name === "turn")?.port ?? 0}?transport=udp`,
      STUN_URLS: `stun:127.0.0.1:${services.find((s) => s.name === "stun")?.port ?? 0}`,
    };
    const started = await Promise.allSettled([
      startService("signaling", { turnSecret: SECRET, redisUrl, extraEnv: ice }),
      startService("signaling", { turnSecret: SECRET, redisUrl, extraEnv: ice }),
      startService("tracker", { redisUrl }),
    ]);
    const more = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    services.push(...more);
    procs.push(...more.map((s) => s.proc));
    const failed = started.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
    const byName = (n: string) => services.filter((s) => s.name === n);
    sig = byName("signaling");
    const [stun] = byName("stun");
    const [turn] = byName("turn");
    const [tracker] = byName("tracker");
    assert.ok(stun && turn && tracker && sig.length === 2);

    const httpPort = await freePort();
    tree = writeNginxTree(join(dir, "nginx"), {
      templateDirs: ["nginx/templates"],
      vars: localVars({
        httpPort,
        signaling: sig.map((s) => `127.0.0.1:${s.port}`),
        tracker: [`127.0.0.1:${tracker.port}`],
        stunAdmin: stun.admin.replace("http://", ""),
        turnAdmin: turn.admin.replace("http://", ""),
      }),
    });
    nginx = await startNginx(tree);
    procs.push(nginx);
    base = `http://127.0.0.1:${httpPort}`;
    await waitForHttp(`${base}/index.html`, { proc: nginx, timeoutMs: 10_000 });

    const p = await startPrometheus({
      dir: join(dir, "prometheus"),
      port: await freePort(),
      targets: {
        signaling: sig.map((s) => s.admin.replace("http://", "")),
        tracker: [tracker.admin.replace("http://", "")],
        stun: [stun.admin.replace("http://", "")],
        turn: [turn.admin.replace("http://", "")],
      },
    });
    procs.push(p.proc);
    prom = p.url;
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all(procs.map((p) => stopProc(p)));
    rmSync(dir, { recursive: true, force: true });
  });

  it("nginx /health aggregates every service's /health", async () => {
    const res = await fetch(`${base}/health`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("x-content-type-options") ?? "", /nosniff/);
    const body = (await res.json()) as { status: string; services: Record<string, { status: string }> };
    assert.equal(body.status, "ok", JSON.stringify(body));
    for (const s of SERVICE_NAMES)
      assert.equal(body.services[s]?.status, "ok", `${s}: ${JSON.stringify(body)}`);
  });

  it("a meeting is created through nginx (/api)", async () => {
    const res = await fetch(`${base}/api/meetings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "stack" }),
    });
    assert.ok(res.ok, `HTTP ${res.status}: ${await res.clone().text()}`);
    const body = (await res.json()) as { meeting: { roomId: string } };
    roomId = body.meeting.roomId;
    assert.ok(roomId);
  });

  /** Affinity cookies that nginx maps to each signaling instance (from the access log's upstream field). */
  const cookieFor = new Map<string, string>();

  it("clients on different signaling instances (through nginx) meet in one room", async () => {
    assert.ok(tree);
    for (let i = 0; i < 40 && cookieFor.size < 2; i++) {
      const before = logLines(tree).length;
      const res = await fetch(`${base}/api/meetings/${roomId}`, {
        headers: { cookie: `sb_affinity=k${i}` },
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
      await waitUntil("access log line", () => logLines(tree as NginxTree).length > before, 3000);
      const upstream = logLines(tree).at(-1)?.upstream ?? "";
      if (!cookieFor.has(upstream)) cookieFor.set(upstream, `sb_affinity=k${i}`);
    }
    assert.equal(cookieFor.size, 2, "the affinity cookie spreads clients over both instances");
    const [[upA, cookieA], [upB, cookieB]] = [...cookieFor] as [[string, string], [string, string]];
    const a = await SignalingClient.connect(`${base.replace("http", "ws")}/ws`, { cookie: cookieA });
    const b = await SignalingClient.connect(`${base.replace("http", "ws")}/ws`, { cookie: cookieB });
    clients.push(a, b);
    assert.equal((await a.hello()).type, "welcome");
    assert.equal((await b.hello()).type, "welcome");
    // Each instance holds one of the two connections (read straight from each instance's metrics).
    for (const up of [upA, upB]) {
      const text = await (await fetch(`http://${up}/metrics`)).text();
      assert.match(text, /^signaling_connections 1$/m, `${up} holds one client`);
    }
    a.send({ v: 1, type: "join", id: "ja", roomId, name: "Alice" });
    const joinedA = await a.nextOfType("joined");
    b.send({ v: 1, type: "join", id: "jb", roomId, name: "Bob" });
    const joinedB = await b.nextOfType("joined");
    const idA = (joinedA.self as { peerId: string }).peerId;
    const idB = (joinedB.self as { peerId: string }).peerId;
    assert.ok(
      (joinedB.peers as { peerId: string }[]).some((p) => p.peerId === idA),
      "Bob sees Alice",
    );
    const seen = await a.nextOfType("peer.joined");
    assert.equal((seen.peer as { peerId: string }).peerId, idB);
    a.send({ v: 1, type: "signal", roomId, to: idB, data: { kind: "offer", sdp: "v=0 stack-offer" } });
    const relayed = await b.nextOfType("signal");
    assert.equal(relayed.from, idA, "the server stamps the sender");
    assert.deepEqual(relayed.data, { kind: "offer", sdp: "v=0 stack-offer" });
    b.send({ v: 1, type: "signal", roomId, to: idA, data: { kind: "answer", sdp: "v=0 stack-answer" } });
    assert.equal((await a.nextOfType("signal")).from, idB);
  });

  it("ICE servers from signaling (through nginx) point at the stack's STUN and TURN, and both answer", async () => {
    const client = await SignalingClient.connect(`${base.replace("http", "ws")}/ws`);
    clients.push(client);
    const welcome = await client.hello();
    const servers = welcome.iceServers as { urls: string[]; username?: string; credential?: string }[];
    const turnUrl = servers.flatMap((s) => s.urls).find((u) => u.startsWith("turn:")) ?? "";
    const stunUrl = servers.flatMap((s) => s.urls).find((u) => u.startsWith("stun:")) ?? "";
    const turnServer = servers.find((s) => s.urls.includes(turnUrl));
    const turnPort = Number(/:(\d+)\?/.exec(turnUrl)?.[1]);
    const stunPort = Number(/:(\d+)$/.exec(stunUrl)?.[1]);
    assert.ok(turnServer?.username && turnServer.credential, JSON.stringify(servers));
    const creds = { username: turnServer.username, password: turnServer.credential };
    assert.equal(
      await allocate("127.0.0.1", turnPort, creds),
      "success",
      "TURN accepts signaling's credentials",
    );
    assert.equal(await stunBinding("127.0.0.1", stunPort), "success", "STUN answers a Binding request");
    client.close();
  });

  it("a tracker announce through nginx works (second peer gets the first)", async () => {
    const infoHash = percentEncode(new Uint8Array(20).fill(0xab));
    const announce = async (peer: string, port: number) => {
      const res = await fetch(
        `${base}/announce?info_hash=${infoHash}&peer_id=${peer}&port=${port}&uploaded=0&downloaded=0&left=100&compact=1&event=started`,
      );
      assert.equal(res.status, 200);
      return Buffer.from(await res.arrayBuffer());
    };
    const first = await announce("-SB0001-aaaaaaaaaaaa", 6881);
    assert.ok(first.includes("8:interval"), first.toString("latin1"));
    const second = await announce("-SB0001-bbbbbbbbbbbb", 6882);
    const at = second.indexOf("5:peers");
    assert.ok(at >= 0, second.toString("latin1"));
    const len = /^5:peers(\d+):/.exec(second.subarray(at).toString("latin1"))?.[1];
    assert.ok(Number(len) >= 6, `one compact peer at least: ${second.toString("latin1")}`);
  });

  it("WebTorrent over WebSocket through nginx (/announce): an offer reaches the other peer", async () => {
    const url = `${base.replace("http", "ws")}/announce`;
    const infoHash = "W".repeat(20);
    const open = async (): Promise<{ ws: WebSocket; inbox: Record<string, unknown>[] }> => {
      const ws = new WebSocket(url);
      const inbox: Record<string, unknown>[] = [];
      ws.on("message", (d: Buffer) => inbox.push(JSON.parse(d.toString()) as Record<string, unknown>));
      await new Promise<void>((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
      return { ws, inbox };
    };
    const seeder = await open();
    const leecher = await open();
    try {
      const announce = { action: "announce", info_hash: infoHash, numwant: 5, event: "started", left: 0 };
      seeder.ws.send(JSON.stringify({ ...announce, peer_id: "S".repeat(20), offers: [] }));
      await waitUntil("seeder's announce reply", () =>
        seeder.inbox.some((m) => typeof m.interval === "number"),
      );
      leecher.ws.send(
        JSON.stringify({
          ...announce,
          left: 10,
          peer_id: "L".repeat(20),
          offers: [{ offer_id: "O".repeat(20), offer: { type: "offer", sdp: "v=0 webtorrent" } }],
        }),
      );
      await waitUntil("the offer relayed to the seeder", () =>
        seeder.inbox.some((m) => (m.offer as { sdp?: string } | undefined)?.sdp === "v=0 webtorrent"),
      );
    } finally {
      seeder.ws.terminate();
      leecher.ws.terminate();
    }
  });

  it("Prometheus scrapes every service instance and reports them up", async () => {
    await waitUntil(
      "every Prometheus target up",
      async () => {
        const targets = await activeTargets(prom);
        return targets.length === 6 && targets.every((t) => t.health === "up");
      },
      20_000,
    );
    const targets = await activeTargets(prom);
    assert.deepEqual(targets.map((t) => t.job).sort(), [
      "prometheus",
      "signaling",
      "signaling",
      "stun",
      "tracker",
      "turn",
    ]);
    const rules = (await (await fetch(`${prom}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; rules: { name: string; health: string }[] }[] };
    };
    const loaded = rules.data.groups.flatMap((g) => g.rules);
    assert.ok(loaded.length >= 10, "the project's alert rules are loaded");
    await waitUntil(
      "every alert rule evaluated without error",
      async () => {
        const r = (await (await fetch(`${prom}/api/v1/rules`)).json()) as typeof rules;
        return r.data.groups.flatMap((g) => g.rules).every((x) => x.health === "ok");
      },
      10_000,
    );
    // Every dashboard query runs on the live Prometheus; the per-service "up" stats have data.
    for (const e of dashboardExprs()) await query(prom, e.expr);
    for (const job of ["signaling", "tracker", "stun", "turn"]) {
      const [up] = await query(prom, `sum(up{job="${job}"})`);
      assert.ok((up?.value ?? 0) >= 1, `${job} is up in Prometheus`);
    }
    await waitUntil(
      "signaling connections scraped",
      async () => (await query(prom, "sum(signaling_connections)"))[0]?.value === 2,
      10_000,
    );
  });

  it("killing one signaling instance: the other serves, the room works after reconnecting", async () => {
    const [a, b] = clients as [SignalingClient, SignalingClient];
    const [[upA, cookieA]] = [...cookieFor] as [[string, string]];
    const victim = sig.find((s) => upA.endsWith(`:${s.port}`));
    assert.ok(victim, "Alice's instance");
    victim.proc.child.kill("SIGKILL");
    await victim.proc.exited;
    await waitUntil("Alice's connection to close", () => a.closed, 5000);

    // nginx sends everything to the survivor, including Alice's sticky cookie.
    const health = (await (await fetch(`${base}/health`)).json()) as {
      services: { signaling: { status: string } };
    };
    assert.equal(health.services.signaling.status, "ok");
    const a2 = await SignalingClient.connect(`${base.replace("http", "ws")}/ws`, { cookie: cookieA });
    clients.push(a2);
    assert.equal((await a2.hello()).type, "welcome");
    a2.send({ v: 1, type: "join", id: "ja2", roomId, name: "Alice" });
    const joined = await a2.nextOfType("joined");
    const idA2 = (joined.self as { peerId: string }).peerId;
    const seen = await b.next(
      (m) => m.type === "peer.joined" && (m.peer as { peerId: string }).peerId === idA2,
      "Alice rejoining",
    );
    assert.ok(seen);
    const idB = (joined.peers as { peerId: string }[]).find((p) => p.peerId !== idA2 && p.peerId)?.peerId;
    assert.ok(idB, "Alice sees Bob");
    b.send({ v: 1, type: "chat", id: "c1", roomId, text: "still here" });
    const chat = await a2.next(
      (m) => m.type === "chat" && (m.entry as { text: string }).text === "still here",
      "Bob's chat",
    );
    assert.ok(chat);
    a2.send({ v: 1, type: "signal", roomId, to: idB, data: { kind: "offer", sdp: "v=0 after-failover" } });
    const relayed = await b.next(
      (m) => m.type === "signal" && (m.data as { sdp?: string }).sdp === "v=0 after-failover",
      "offer after failover",
    );
    assert.equal(relayed.from, idA2);
    await waitUntil(
      "Prometheus to see the killed instance down",
      async () =>
        (await activeTargets(prom)).some(
          (t) => t.job === "signaling" && t.instance.endsWith(`:${victim.port}`) && t.health === "down",
        ),
      10_000,
    );
  });

  it("nginx rate-limits the meetings API per client address (429 beyond the burst)", async () => {
    const statuses = await Promise.all(
      Array.from({ length: 120 }, async () => {
        const res = await fetch(`${base}/api/meetings/${roomId}`);
        await res.body?.cancel();
        return res.status;
      }),
    );
    assert.ok(statuses.includes(429), `some requests limited: ${statuses.join(",")}`);
    assert.ok(statuses.filter((st) => st === 200).length >= 40, "the burst is served");
  });
});
