// Signaling fault drill: two instances over one Redis, P cross-instance pairs relaying candidates with request
// ids; Redis frozen (SIGSTOP) for 10 s, then instance B killed (SIGKILL) and its clients rejoining on A. Counts
// what the service README ("Delivery and retries") promises. Loopback only; stops only what it started.
//   node --conditions=source --import tsx bench/signaling/fault-drill.ts [--pairs 25] [--rate 20] [--main FILE]
// (--main: another build's entry, to compare builds; default services/signaling/dist/main.js, build it first.)
// --nginx: the same through nginx (the project's config, one upstream with both instances started from source),
// each client from its own loopback address; Redis frozen 10 s, then killed and started again empty, then an
// instance killed and its clients resuming or rejoining through nginx (see fault-drill-nginx.ts).
//   node --conditions=source --import tsx bench/signaling/fault-drill.ts --nginx [--pairs 100] [--rate 5]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WebSocket } from "ws";
import { ROOT, startRedis, startSignaling, type Child } from "./processes.js";
import { runNginxDrill } from "./fault-drill-nginx.js";

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const NGINX = args.includes("--nginx");
const PAIRS = Number(opt("pairs") ?? (NGINX ? 100 : 25));
const RATE = Number(opt("rate") ?? (NGINX ? 5 : 20));
const MAIN = opt("main");
const NO_ANSWER_MS = 5000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let phase = "normal";
export const setPhase = (p: string): void => {
  phase = p;
};

/** Every request made with `Peer.request` (hello, join, chat, leave…): answered how, how fast. */
export interface Req {
  readonly phase: string;
  readonly type: string;
  readonly at: number;
  answer?: string;
  answerMs?: number;
  cutOff?: boolean;
}
export const requests: Req[] = [];
/** Every `peer.left` a drill client got. */
export const leftEvents: { phase: string; at: number; receiver: string; peerId: string; reason: string }[] =
  [];
/** Chat texts received, by text: how many clients got it. */
export const chatsReceived = new Map<string, number>();

interface Sent {
  readonly phase: string;
  readonly at: number;
  answer?: string;
  answerMs?: number;
  received: number;
  /** Still unanswered when its connection died (its instance was killed): not counted as unanswered. */
  cutOff?: boolean;
}

export const signals = new Map<string, Sent>();

/** One drill client: a session in one room, relaying numbered candidates to its partner. */
export class Peer {
  ws!: WebSocket;
  sessionId = "";
  resumeToken = "";
  partner = "";
  joined = false;
  /** Its connection closed without `close()` from the drill (its instance died). */
  dropped = false;
  #n = 0;
  readonly #waiting = new Map<string, (m: Record<string, unknown>) => void>();
  readonly #pending = new Map<string, string>();
  readonly #pendingReqs = new Set<Req>();
  constructor(
    readonly name: string,
    readonly roomId: string,
    /** Source address (nginx limits connections per client address). */
    readonly localAddress?: string,
  ) {}

  async connect(url: string): Promise<void> {
    this.ws = new WebSocket(url, this.localAddress === undefined ? {} : { localAddress: this.localAddress });
    this.ws.on("message", (raw: Buffer) =>
      this.#onMessage(JSON.parse(raw.toString()) as Record<string, unknown>),
    );
    this.ws.on("close", () => {
      for (const key of this.#pending.values()) {
        const s = signals.get(key);
        if (s && s.answer === undefined) s.cutOff = true;
      }
      this.#pending.clear();
      for (const r of this.#pendingReqs) r.cutOff = true;
      this.#pendingReqs.clear();
      this.dropped = true;
    });
    await new Promise<void>((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
  }

  request(msg: Record<string, unknown>, ms = 8000): Promise<Record<string, unknown> | undefined> {
    const id = `${this.name}.${++this.#n}`;
    const req: Req = { phase, type: String(msg.type), at: Date.now() };
    requests.push(req);
    this.#pendingReqs.add(req);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#waiting.delete(id);
        this.#pendingReqs.delete(req);
        resolve(undefined);
      }, ms);
      this.#waiting.set(id, (m) => {
        clearTimeout(t);
        this.#pendingReqs.delete(req);
        req.answer = m.type === "error" ? String(m.code) : String(m.type);
        req.answerMs = Date.now() - req.at;
        resolve(m);
      });
      this.ws.send(JSON.stringify({ v: 1, type: msg.type, id, ...msg }));
    });
  }

  async hello(): Promise<void> {
    const w = await this.request({ type: "hello" });
    if (w?.type !== "welcome") throw new Error(`hello: ${JSON.stringify(w)}`);
    this.sessionId = String(w.sessionId);
    this.resumeToken = String(w.resumeToken);
  }

  /** `hello {resume}` with the session it had; returns the answer's type or error code. */
  async resume(): Promise<string> {
    const w = await this.request({
      type: "hello",
      resume: { sessionId: this.sessionId, resumeToken: this.resumeToken },
    });
    if (w?.type === "welcome") {
      this.resumeToken = String(w.resumeToken);
      this.joined = w.resumed === true;
      return w.resumed === true ? "resumed" : "welcome";
    }
    return w === undefined ? "no answer" : String(w.code);
  }

  /** Joins; returns the `joined` answer's peer ids (drill peers only) and chat texts. */
  async joinFull(): Promise<{ peers: string[]; chat: string[] }> {
    const j = await this.request({ type: "join", roomId: this.roomId, name: this.name });
    if (j?.type !== "joined") throw new Error(`join: ${JSON.stringify(j)}`);
    const peers = (j.peers as { peerId: string; name: string }[])
      .filter((p) => p.name !== PROBE)
      .map((p) => p.peerId);
    this.partner = peers.at(-1) ?? this.partner;
    this.joined = true;
    return { peers, chat: (j.chat as { text: string }[]).map((c) => c.text) };
  }

  /** Joins; returns the peer ids `joined` lists. */
  async join(): Promise<string[]> {
    return (await this.joinFull()).peers;
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
      const p = m.peer as { peerId: string; name: string };
      if (p.name !== PROBE) this.partner = p.peerId;
    } else if (m.type === "peer.left") {
      leftEvents.push({
        phase,
        at: Date.now(),
        receiver: this.name,
        peerId: String(m.peerId),
        reason: String(m.reason),
      });
    } else if (m.type === "chat") {
      const text = (m.entry as { text: string }).text;
      chatsReceived.set(text, (chatsReceived.get(text) ?? 0) + 1);
    }
  }
}

/** Name of the history probe client, which the drill clients ignore when it joins. */
export const PROBE = "probe";

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
export async function healthAfter(http: string, up: boolean, ms = 15_000): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if ((await redisUp(http)) === up) return Date.now() - start;
    await sleep(50);
  }
  return null;
}

export function summary(ph: string) {
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

(NGINX ? runNginxDrill({ pairs: PAIRS, rate: RATE }) : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
