// The fault drill's `--nginx` mode (run through fault-drill.ts): two signaling instances from source behind the
// project's nginx config (one upstream), one Redis, 2×pairs clients each on its own loopback source address.
// Phases: normal; Redis frozen (SIGSTOP) 10 s then SIGCONT; Redis killed and started again empty on its port;
// instance A killed (SIGKILL), its clients reconnecting through nginx: `hello {resume}`, on `not_resumable` a
// new `hello` + `join`. One chat per room in each phase; a probe client joins 10 rooms after each phase to read
// the chat history and the member list. Stops only what it started.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@switchboard/test-support";
import { localVars, NGINX_BIN, writeNginxTree } from "../../test/deploy/lib/nginx-config.js";
import { startProc, stopProc, waitForHttp, type Proc } from "../../test/deploy/lib/processes.js";
import { startService, type RunningService } from "../../test/deploy/lib/services.js";
import { ROOT, startRedis, type Child } from "./processes.js";
import {
  chatsReceived,
  healthAfter,
  leftEvents,
  Peer,
  PROBE,
  requests,
  setPhase,
  sleep,
  summary,
} from "./fault-drill.js";

const NO_ANSWER_MS = 5000;
const PROBED_ROOMS = 10;
const PHASES = ["normal", "hang", "restart", "kill"] as const;

/** Requests of a phase (hello, join, chat, probe joins): how many, answered how, unanswered within 5 s. */
function requestSummary(ph: string) {
  const rs = requests.filter((r) => r.phase === ph);
  const byAnswer: Record<string, number> = {};
  for (const r of rs) {
    const k = `${r.type}→${r.answer ?? (r.cutOff ? "connection died" : "none")}`;
    byAnswer[k] = (byAnswer[k] ?? 0) + 1;
  }
  return {
    sent: rs.length,
    noAnswerWithin5s: rs.filter((r) => !r.cutOff && (r.answerMs === undefined || r.answerMs > NO_ANSWER_MS))
      .length,
    byAnswer,
  };
}

export async function runNginxDrill(o: { pairs: number; rate: number }): Promise<void> {
  const result: Record<string, unknown> = { date: new Date().toISOString(), mode: "nginx", ...o };
  const services: RunningService[] = [];
  let redis: Child | undefined;
  let nginx: Proc | undefined;
  const peers: Peer[] = [];
  let probe: Peer | undefined;
  let ticker: NodeJS.Timeout | undefined;
  try {
    redis = await startRedis();
    const redisPort = redis.port;
    const extraEnv = {
      SIGNALING_AUTO_CREATE_ROOMS: "true",
      SIGNALING_RATE_LIMIT: "1000",
      SIGNALING_RATE_BURST: "2000",
      SIGNALING_IDLE_TIMEOUT_MS: "600000",
    };
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const [A, B] = await Promise.all([
      startService("signaling", { redisUrl, extraEnv }),
      startService("signaling", { redisUrl, extraEnv }),
    ]);
    services.push(A, B);
    const httpPort = await freePort();
    const tree = writeNginxTree(mkdtempSync(join(tmpdir(), "sb-drill-nginx-")), {
      templateDirs: ["nginx/templates"],
      vars: localVars({
        httpPort,
        signaling: [`127.0.0.1:${A.port}`, `127.0.0.1:${B.port}`],
        // Unused upstreams (nothing listens there): only signaling is drilled.
        tracker: ["127.0.0.1:9"],
        stunAdmin: "127.0.0.1:9",
        turnAdmin: "127.0.0.1:9",
      }),
      workerConnections: 4 * o.pairs + 256,
    });
    nginx = startProc("nginx", NGINX_BIN, ["-p", tree.dir, "-c", tree.conf, "-e", tree.errorLog]);
    await waitForHttp(`http://127.0.0.1:${httpPort}/`, { proc: nginx });
    const url = `ws://127.0.0.1:${httpPort}/ws`;

    const tag = Date.now().toString(36);
    const room = (i: number) => `fdn-${tag}-${i}`;
    // Each client its own source address 127.0.1.x / 127.0.2.x (nginx limits connections per address).
    const addr = (k: number) => `127.0.${1 + Math.floor(k / 250)}.${1 + (k % 250)}`;
    for (let i = 0; i < o.pairs; i++)
      peers.push(new Peer(`a${i}`, room(i), addr(2 * i)), new Peer(`b${i}`, room(i), addr(2 * i + 1)));
    await Promise.all(peers.map((p) => p.connect(url).then(() => p.hello())));
    for (const p of peers.filter((x) => x.name.startsWith("a"))) await p.join();
    for (const p of peers.filter((x) => x.name.startsWith("b"))) await p.join();
    probe = new Peer(PROBE, "", "127.0.3.1");
    await probe.connect(url);
    await probe.hello();
    const pr = probe;
    ticker = setInterval(() => {
      for (const p of peers) p.sendCandidate();
    }, 1000 / o.rate);

    /** Chat texts acked per room since the last Redis restart (what the history should hold). */
    const acked = new Map<string, string[]>();
    const chatRound = async (ph: string) =>
      Promise.all(
        peers
          .filter((p) => p.name.startsWith("a") && p.joined)
          .map(async (p) => {
            const text = `${ph}:${p.roomId}`;
            const a = await p.request({ type: "chat", roomId: p.roomId, text });
            if (a?.type === "ack") acked.set(p.roomId, [...(acked.get(p.roomId) ?? []), text]);
          }),
      );
    const history: Record<string, unknown> = {};
    const probeRooms = async (ph: string) => {
      let expected = 0;
      let present = 0;
      let members = 0;
      let failed = 0;
      let older = 0;
      if (pr.dropped) {
        // The probe's own instance died: it reconnects like any client.
        await pr.connect(url);
        await pr.hello();
        pr.dropped = false;
      }
      for (let i = 0; i < PROBED_ROOMS; i++) {
        const j = await pr.request({ type: "join", roomId: room(i), name: PROBE });
        if (j?.type !== "joined") {
          failed++;
          continue;
        }
        const texts = new Set((j.chat as { text: string }[]).map((c) => c.text));
        const want = acked.get(room(i)) ?? [];
        expected += want.length;
        present += want.filter((t) => texts.has(t)).length;
        older += [...texts].filter((t) => !want.includes(t)).length;
        members += (j.peers as { name: string }[]).filter((p) => p.name !== PROBE).length;
        await pr.request({ type: "leave", roomId: room(i) });
      }
      history[ph] = {
        rooms: PROBED_ROOMS,
        joinFailed: failed,
        chatExpected: expected,
        chatPresent: present,
        chatNotExpected: older,
        members,
      };
    };
    const health = (s: RunningService) => s.admin;

    // Phase 1: normal.
    await sleep(3000);
    await chatRound("normal");
    await sleep(3000);
    await probeRooms("normal");

    // Phase 2: Redis frozen 10 s.
    setPhase("hang");
    redis.proc.kill("SIGSTOP");
    const stoppedAt = Date.now();
    const downMs = await healthAfter(health(B), false);
    await sleep(2000);
    await chatRound("hang");
    await sleep(Math.max(0, 10_000 - (Date.now() - stoppedAt)));
    redis.proc.kill("SIGCONT");
    const upMs = await healthAfter(health(B), true);
    await sleep(6000);
    await probeRooms("hang");

    // Phase 3: Redis killed, a fresh empty one on the same port.
    setPhase("restart");
    const old = redis;
    old.proc.kill("SIGKILL");
    await old.stop();
    redis = await startRedis(redisPort);
    const restartUpMs = await healthAfter(health(B), true);
    await sleep(8000);
    acked.clear(); // an empty Redis: the README promises no history from before (no persistence)
    await chatRound("restart");
    await sleep(3000);
    await probeRooms("restart");

    // Phase 4: instance A killed.
    setPhase("kill");
    const killedAt = Date.now();
    A.proc.child.kill("SIGKILL");
    await sleep(1500); // a client notices a dead TCP peer (RST) at once; give every close event time
    const cut = peers.filter((p) => p.dropped);
    const oldId = new Map(cut.map((p) => [p, p.sessionId]));
    const deadIds = new Set(oldId.values());
    const rejoin: Record<string, number> = {};
    const backMs: number[] = [];
    let staleInJoined = 0;
    let historyOnRejoin = 0;
    await Promise.all(
      cut.map(async (p) => {
        p.joined = false;
        for (let t = 0; ; t++) {
          try {
            await p.connect(url);
            break;
          } catch (err) {
            if (t >= 20) throw err;
            await sleep(250);
          }
        }
        const r = await p.resume();
        rejoin[`resume→${r}`] = (rejoin[`resume→${r}`] ?? 0) + 1;
        if (r !== "resumed") {
          await p.hello();
          for (let t = 0, wait = 250; ; t++, wait *= 2) {
            try {
              const j = await p.joinFull();
              if (j.peers.some((id) => deadIds.has(id))) staleInJoined++;
              if (j.chat.length > 0) historyOnRejoin++;
              break;
            } catch (err) {
              if (t >= 4) throw err;
              await sleep(wait);
            }
          }
        }
        backMs.push(Date.now() - killedAt);
      }),
    );
    await sleep(5000);
    await chatRound("kill");
    await sleep(3000);
    await probeRooms("kill");
    clearInterval(ticker);
    ticker = undefined;
    await sleep(NO_ANSWER_MS + 500);

    const liveIds = new Set(peers.filter((p) => !cut.includes(p)).map((p) => p.sessionId));
    const crossPairs = Array.from({ length: o.pairs }, (_, i) => i).filter(
      (i) => cut.includes(peers[2 * i]) !== cut.includes(peers[2 * i + 1]),
    ).length;
    backMs.sort((a, b) => a - b);
    const chatStats = (ph: string) => {
      const sent = PHASES.includes(ph as (typeof PHASES)[number])
        ? peers.filter((p) => p.name.startsWith("a"))
        : [];
      const texts = sent.map((p) => `${ph}:${p.roomId}`);
      const ackedTexts = requests.filter(
        (r) => r.phase === ph && r.type === "chat" && r.answer === "ack",
      ).length;
      return {
        ackedTexts,
        receivedByBoth: texts.filter((t) => (chatsReceived.get(t) ?? 0) >= 2).length,
        receivedByNone: texts.filter((t) => (chatsReceived.get(t) ?? 0) === 0).length,
      };
    };
    result.topology = { clients: peers.length, onKilledInstance: cut.length, crossInstancePairs: crossPairs };
    result.health = {
      redisDownAfterSigstopMs: downMs,
      redisUpAfterSigcontMs: upMs,
      redisUpAfterRestartMs: restartUpMs,
    };
    result.phases = Object.fromEntries(
      PHASES.map((ph) => [
        ph,
        {
          signals: summary(ph),
          requests: requestSummary(ph),
          chat: chatStats(ph),
          wrongPeerLeft: leftEvents.filter((e) => e.phase === ph && liveIds.has(e.peerId)).length,
          peerLeftForKilled: leftEvents.filter((e) => e.phase === ph && deadIds.has(e.peerId)).length,
          history: history[ph],
        },
      ]),
    );
    result.rejoin = {
      answers: rejoin,
      back: backMs.length,
      of: cut.length,
      backMedianMs: backMs[Math.floor(backMs.length / 2)] ?? null,
      backMaxMs: backMs.at(-1) ?? null,
      joinedListingADeadSession: staleInJoined,
      joinedWithChatHistory: historyOnRejoin,
      // Killed-instance clients whose partner lives: did the partner get `peer.left` for the old session?
      peerLeftForKilledMaxMs: Math.max(
        0,
        ...leftEvents.filter((e) => deadIds.has(e.peerId)).map((e) => e.at - killedAt),
      ),
      liveObserversOfKilled: cut.filter((p) => peers.some((q) => q.roomId === p.roomId && !cut.includes(q)))
        .length,
      liveObserversWithoutPeerLeft: cut.filter(
        (p) =>
          peers.some((q) => q.roomId === p.roomId && !cut.includes(q)) &&
          !leftEvents.some((e) => e.peerId === oldId.get(p) && e.receiver !== p.name),
      ).length,
    };
  } finally {
    if (ticker) clearInterval(ticker);
    for (const p of peers) p.ws?.terminate();
    probe?.ws?.terminate();
    if (nginx) await stopProc(nginx);
    for (const s of services) await stopProc(s.proc);
    if (redis) {
      redis.proc.kill("SIGCONT");
      await redis.stop();
    }
  }
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  const file = join(ROOT, "bench/results", `signaling-faults-nginx-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`results: ${file}`);
}
