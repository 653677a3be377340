// Signaling fault drill: two instances over one Redis, P cross-instance pairs relaying candidates with request
// ids; Redis frozen (SIGSTOP) for 10 s, then instance B killed (SIGKILL) and its clients rejoining on A. Counts
// what the service README ("Delivery and retries") promises. Loopback only; stops only what it started.
//   node --conditions=source --import tsx bench/signaling/fault-drill.ts [--pairs 25] [--rate 20] [--main FILE]
// (--main: another build's entry, to compare builds; default services/signaling/dist/main.js, build it first.)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WebSocket } from "ws";
import { ROOT, startRedis, startSignaling, type Child } from "./processes.js";

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const PAIRS = Number(opt("pairs") ?? 25);
const RATE = Number(opt("rate") ?? 20);
const MAIN = opt("main");
const NO_ANSWER_MS = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let phase = "normal";

interface Sent {
  readonly phase: string;
  readonly at: number;
  answer?: string;
  answerMs?: number;
  received: number;
  /** Still unanswered when its connection died (its instance was killed): not counted as unanswered. */
  cutOff?: boolean;
}

const signals = new Map<string, Sent>();

/** One drill client: a session in one room, relaying numbered candidates to its partner. */
class Peer {
  ws!: WebSocket;
  sessionId = "";
  partner = "";
  joined = false;
  #n = 0;
  readonly #waiting = new Map<string, (m: Record<string, unknown>) => void>();
  readonly #pending = new Map<string, string>();
  constructor(
    readonly name: string,
    readonly roomId: string,
  ) {}

  async connect(url: string): Promise<void> {
    this.ws = new WebSocket(url);
    this.ws.on("message", (raw: Buffer) =>
      this.#onMessage(JSON.parse(raw.toString()) as Record<string, unknown>),
    );
    this.ws.on("close", () => {
      for (const key of this.#pending.values()) {
        const s = signals.get(key);
        if (s && s.answer === undefined) s.cutOff = true;
      }
      this.#pending.clear();
    });
    await new Promise<void>((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
  }

  request(msg: Record<string, unknown>, ms = 8000): Promise<Record<string, unknown> | undefined> {
    const id = `${this.name}.${++this.#n}`;
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(undefined);
      }, ms);
      this.#waiting.set(id, (m) => {
        clearTimeout(t);
        resolve(m);
      });
      this.ws.send(JSON.stringify({ v: 1, type: msg.type, id, ...msg }));
    });
  }

  async hello(): Promise<void> {
    const w = await this.request({ type: "hello" });
    if (w?.type !== "welcome") throw new Error(`hello: ${JSON.stringify(w)}`);
    this.sessionId = String(w.sessionId);
  }

  /** Joins; returns the peer ids `joined` lists. */
  async join(): Promise<string[]> {
    const j = await this.request({ type: "join", roomId: this.roomId });
    if (j?.type !== "joined") throw new Error(`join: ${JSON.stringify(j)}`);
    const peers = (j.peers as { peerId: string }[]).map((p) => p.peerId);
    this.partner = peers.at(-1) ?? this.partner;
    this.joined = true;
    return peers;
  }

  sendCandidate(): void {
    if (!this.joined || !this.partner || this.ws.readyState !== WebSocket.OPEN) return;
    const id = `${this.name}.${++this.#n}`;
    const key = `${this.name}:${this.#n}`;
    signals.set(key, { phase, at: Date.now(), received: 0 });
    this.#pending.set(id, key);
    const data = {
      kind: "candidate",
      candidate: { candidate: `candidate:${key}`, sdpMid: "0", sdpMLineIndex: 0 },
    };
    this.ws.send(JSON.stringify({ v: 1, type: "signal", id, roomId: this.roomId, to: this.partner, data }));
  }

  #onMessage(m: Record<string, unknown>): void {
    const id = typeof m.id === "string" ? m.id : undefined;
    if (id !== undefined) {
      const key = this.#pending.get(id);
      if (key !== undefined) {
        this.#pending.delete(id);
        const s = signals.get(key);
        if (s) {
          s.answer = m.type === "error" ? String(m.code) : String(m.type);
          s.answerMs = Date.now() - s.at;
        }
      }
      this.#waiting.get(id)?.(m);
      this.#waiting.delete(id);
    }
    if (m.type === "signal") {
      const c = (m.data as { candidate?: { candidate?: string } }).candidate?.candidate ?? "";
      const s = signals.get(c.slice("candidate:".length));
      if (s) s.received++;
    } else if (m.type === "peer.joined") {
      this.partner = (m.peer as { peerId: string }).peerId;
    }
  }
}

async function redisUp(http: string): Promise<boolean | undefined> {
  try {
    const h = (await (await fetch(`${http}/health`, { signal: AbortSignal.timeout(900) })).json()) as {
      parts: { redis?: { ok: boolean } };
    };
    return h.parts.redis?.ok;
  } catch {
    return undefined;
  }
}

/** Milliseconds from now until /health of `http` shows Redis `up` (polled every 50 ms). */
async function healthAfter(http: string, up: boolean, ms = 15_000): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if ((await redisUp(http)) === up) return Date.now() - start;
    await sleep(50);
  }
  return null;
}

function summary(ph: string) {
  const ss = [...signals.values()].filter((s) => s.phase === ph);
  const answered = ss.filter((s) => s.answerMs !== undefined);
  const times = answered.map((s) => s.answerMs!).sort((a, b) => a - b);
  const errors: Record<string, number> = {};
  for (const s of ss)
    if (s.answer !== undefined && s.answer !== "ack") errors[s.answer] = (errors[s.answer] ?? 0) + 1;
  return {
    sent: ss.length,
    noAnswerWithin5s: ss.filter((s) => !s.cutOff && (s.answerMs === undefined || s.answerMs > NO_ANSWER_MS))
      .length,
    pendingWhenConnectionDied: ss.filter((s) => s.cutOff).length,
    answerMaxMs: times.at(-1) ?? null,
    answerP99Ms: times[Math.floor(times.length * 0.99)] ?? null,
    errors,
    acked: ss.filter((s) => s.answer === "ack").length,
    ackedNeverReceived: ss.filter((s) => s.answer === "ack" && s.received === 0).length,
    unavailableYetReceived: ss.filter((s) => s.answer === "unavailable" && s.received > 0).length,
    duplicates: ss.filter((s) => s.received > 1).length,
  };
}

async function main(): Promise<void> {
  const children: Child[] = [];
  const peers: Peer[] = [];
  const result: Record<string, unknown> = {
    date: new Date().toISOString(),
    pairs: PAIRS,
    rate: RATE,
    main: MAIN,
  };
  try {
    const redis = await startRedis();
    children.push(redis);
    const env = {
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      SIGNALING_RATE_LIMIT: "1000",
      SIGNALING_RATE_BURST: "2000",
    };
    const run = MAIN === undefined ? {} : { main: MAIN };
    const A = await startSignaling(env, run);
    const B = await startSignaling(env, run);
    children.push(A, B);
    const http = (c: Child) => `http://127.0.0.1:${c.port}`;
    const ws = (c: Child) => `ws://127.0.0.1:${c.port}/ws`;
    const tag = Date.now().toString(36);
    for (let i = 0; i < PAIRS; i++)
      peers.push(new Peer(`a${i}`, `fd-${tag}-${i}`), new Peer(`b${i}`, `fd-${tag}-${i}`));
    const onB = (p: Peer) => p.name.startsWith("b");
    await Promise.all(peers.map((p) => p.connect(ws(onB(p) ? B : A)).then(() => p.hello())));
    for (const p of peers.filter((x) => !onB(x))) await p.join();
    for (const p of peers.filter(onB)) await p.join();
    const ticker = setInterval(() => {
      for (const p of peers) p.sendCandidate();
    }, 1000 / RATE);

    await sleep(5000);
    phase = "hang";
    redis.proc.kill("SIGSTOP");
    const downMs = await healthAfter(http(A), false);
    await sleep(Math.max(0, 10_000 - (downMs ?? 0)));
    redis.proc.kill("SIGCONT");
    const upMs = await healthAfter(http(A), true);
    await sleep(8000);

    phase = "kill";
    const dead = new Set(peers.filter(onB).map((p) => p.sessionId));
    B.proc.kill("SIGKILL");
    let staleInJoined = 0;
    await Promise.all(
      peers.filter(onB).map(async (p) => {
        await new Promise((r) =>
          p.ws.readyState === WebSocket.CLOSED ? r(undefined) : p.ws.once("close", r),
        );
        p.joined = false;
        await p.connect(ws(A));
        await p.hello();
        const listed = await p.join();
        if (listed.some((id) => dead.has(id))) staleInJoined++;
      }),
    );
    await sleep(10_000);
    clearInterval(ticker);
    await sleep(NO_ANSWER_MS + 500);

    result.health = { redisDownAfterSigstopMs: downMs, redisUpAfterSigcontMs: upMs };
    result.phases = { normal: summary("normal"), hang: summary("hang"), kill: summary("kill") };
    result.rejoinedListingADeadSession = staleInJoined;
  } finally {
    for (const p of peers) p.ws?.terminate();
    for (const c of children) {
      c.proc.kill("SIGCONT");
      await c.stop();
    }
  }
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  const file = join(ROOT, "bench/results", `signaling-faults-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`results: ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
