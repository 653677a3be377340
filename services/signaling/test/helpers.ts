import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { WebSocket } from "ws";
import type { ClientMessage, ServerMessage, ServerMessageOf, ServerMessageType } from "@switchboard/protocol";
import { createLogger, loadConfig, type Clock } from "@switchboard/runtime";
import { freePort } from "@switchboard/test-support";
import {
  checkSignalingConfig,
  createSignalingServer,
  signalingConfigSpec,
  type SignalingServer,
  type SignalingStore,
} from "../src/server.js";

export interface TestServer {
  readonly server: SignalingServer;
  readonly http: string;
  readonly ws: string;
  close(): Promise<void>;
}

/** Starts a signaling server on 127.0.0.1:0 with the given environment overrides. */
export async function startServer(
  env: Record<string, string> = {},
  extra: { store?: SignalingStore; clock?: Clock; instanceId?: string } = {},
): Promise<TestServer> {
  const config = loadConfig(signalingConfigSpec, {
    // Suites create many meetings from 127.0.0.1: the creation limit has its own test.
    env: {
      SIGNALING_HOST: "127.0.0.1",
      SIGNALING_PORT: "0",
      LOG_LEVEL: "silent",
      SIGNALING_MEETING_CREATE_LIMIT: "10000",
      ...env,
    },
    check: checkSignalingConfig,
  });
  const logger = createLogger({ name: "signaling-test", level: config.logLevel });
  const server = createSignalingServer({ config, logger, ...extra });
  const http = await server.listen();
  return { server, http, ws: `${http.replace("http", "ws")}/ws`, close: () => server.close() };
}

type Pred = (m: ServerMessage) => boolean;

/** A real WebSocket client that records every server message and lets tests await them with deadlines. */
export class TestClient {
  readonly ws: WebSocket;
  readonly received: ServerMessage[] = [];
  #waiters: {
    pred: Pred;
    resolve: (m: ServerMessage) => void;
    reject: (e: Error) => void;
    timer: NodeJS.Timeout;
  }[] = [];
  #seq = 0;
  #consumed = new Set<ServerMessage>();
  sessionId = "";
  resumeToken = "";

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data) => {
      const msg = JSON.parse((data as Buffer).toString("utf8")) as ServerMessage;
      this.received.push(msg);
      const w = this.#waiters.find((x) => x.pred(msg));
      if (w) {
        this.#consumed.add(msg);
        clearTimeout(w.timer);
        this.#waiters = this.#waiters.filter((x) => x !== w);
        w.resolve(msg);
      }
    });
  }

  static async connect(url: string): Promise<TestClient> {
    const ws = new WebSocket(url);
    const client = new TestClient(ws);
    await Promise.race([once(ws, "open"), deadline(5000, "connect")]);
    return client;
  }

  /** Connects and says hello. */
  static async session(
    url: string,
    hello: Partial<Extract<ClientMessage, { type: "hello" }>> = {},
  ): Promise<TestClient> {
    const c = await TestClient.connect(url);
    const w = await c.request<"welcome">({ v: 1, type: "hello", ...hello });
    c.sessionId = w.sessionId;
    c.resumeToken = w.resumeToken;
    return c;
  }

  send(msg: ClientMessage | string | Buffer): void {
    this.ws.send(typeof msg === "string" || Buffer.isBuffer(msg) ? msg : JSON.stringify(msg));
  }

  /** Sends with a fresh id and resolves with the reply carrying that id (rejects on `error`). */
  async request<T extends ServerMessageType = ServerMessageType>(
    msg: ClientMessage,
  ): Promise<ServerMessageOf<T>> {
    const id = `r${++this.#seq}`;
    const reply = this.next((m) => m.id === id);
    this.send({ id, ...msg });
    const m = await reply;
    if (m.type === "error") throw Object.assign(new Error(`${m.code}: ${m.message}`), { reply: m });
    return m as ServerMessageOf<T>;
  }

  /** Sends with an id and resolves with the error reply (fails if it succeeds). */
  async expectError(msg: ClientMessage): Promise<ServerMessageOf<"error">> {
    try {
      await this.request(msg);
    } catch (err) {
      const reply = (err as { reply?: ServerMessageOf<"error"> }).reply;
      if (!reply) throw err;
      return reply;
    }
    throw new Error(`expected ${msg.type} to fail`);
  }

  /** The next message (already received and not yet consumed, or future) matching the predicate. */
  next(pred: Pred | ServerMessageType, timeoutMs = 5000): Promise<ServerMessage> {
    const p: Pred = typeof pred === "string" ? (m) => m.type === pred : pred;
    const have = this.received.find((m) => !this.#consumed.has(m) && p(m));
    if (have) {
      this.#consumed.add(have);
      return Promise.resolve(have);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((x) => x.timer !== timer);
        reject(new Error(`timed out waiting for a message (${String(pred)})`));
      }, timeoutMs);
      this.#waiters.push({ pred: p, resolve, reject, timer });
    });
  }

  nextOf<T extends ServerMessageType>(
    type: T,
    pred: (m: ServerMessageOf<T>) => boolean = () => true,
    timeoutMs = 5000,
  ) {
    return this.next((m) => m.type === type && pred(m as ServerMessageOf<T>), timeoutMs) as Promise<
      ServerMessageOf<T>
    >;
  }

  /** Messages of a type received so far. */
  all<T extends ServerMessageType>(type: T): ServerMessageOf<T>[] {
    return this.received.filter((m) => m.type === type) as ServerMessageOf<T>[];
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = once(this.ws, "close");
    this.ws.close();
    await Promise.race([closed, deadline(3000, "close").catch(() => this.ws.terminate())]);
  }

  /** Drops the TCP connection without a close handshake. */
  async drop(): Promise<void> {
    const closed = once(this.ws, "close");
    this.ws.terminate();
    await closed;
  }
}

export function deadline(ms: number, what: string): Promise<never> {
  return new Promise((_r, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms).unref());
}

/** Creates a meeting over REST and returns its room id and host key. */
export async function createMeeting(
  http: string,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ roomId: string; hostKey: string }> {
  const res = await fetch(`${http}/api/meetings`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create meeting: ${res.status} ${await res.text()}`);
  const json = (await res.json()) as { meeting: { roomId: string }; hostKey: string };
  return { roomId: json.meeting.roomId, hostKey: json.hostKey };
}

/** Polls `/stats` until `pred` holds (deadline 5 s). */
export async function waitForStats(
  http: string,
  pred: (stats: Record<string, unknown>) => boolean,
): Promise<void> {
  const end = Date.now() + 5000;
  for (;;) {
    const stats = (await (await fetch(`${http}/stats`)).json()) as Record<string, unknown>;
    if (pred(stats)) return;
    if (Date.now() > end) throw new Error(`stats never matched: ${JSON.stringify(stats)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Two in-process instances sharing one Redis (presence expiring after `presenceTtlMs`). */
export async function startPair(
  redisUrl: string,
  presenceTtlMs = 1500,
): Promise<{ A: TestServer; B: TestServer }> {
  const env = { REDIS_URL: redisUrl, SIGNALING_PRESENCE_TTL_MS: String(presenceTtlMs) };
  return { A: await startServer(env), B: await startServer(env) };
}

/** Opens a session on an instance and records it in `clients`, for the suite's `after` to close. */
export function sessionOpener(clients: TestClient[]) {
  return async (
    srv: TestServer,
    hello: Partial<Extract<ClientMessage, { type: "hello" }>> = {},
  ): Promise<TestClient> => {
    const c = await TestClient.session(srv.ws, hello);
    clients.push(c);
    return c;
  };
}

/** A suite's teardown: closes its sessions, then its instances. */
export async function closeAll(clients: readonly TestClient[], ...servers: TestServer[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
  for (const s of servers) await s.close();
}

/** `/health` of an instance. */
export async function fetchHealth(
  srv: TestServer,
): Promise<{ status: string; parts: Record<string, { ok: boolean }> }> {
  return (await (await fetch(`${srv.http}/health`)).json()) as {
    status: string;
    parts: Record<string, { ok: boolean }>;
  };
}

/** Starts `src/main.ts` as a child process (an instance that can be SIGKILLed) on a free port. */
export async function spawnInstance(
  redisUrl: string,
  presenceTtlMs: number,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "services/signaling/src/main.ts"],
    {
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        SIGNALING_HOST: "127.0.0.1",
        SIGNALING_PORT: String(port),
        SIGNALING_PRESENCE_TTL_MS: String(presenceTtlMs),
        LOG_LEVEL: "warn",
      },
      stdio: "ignore",
    },
  );
  return { child, url: `ws://127.0.0.1:${port}/ws` };
}

/** A session on an instance that is still starting: retries until it answers (45 s at most). */
export async function sessionWhenUp(url: string, ms = 45_000): Promise<TestClient> {
  const end = Date.now() + ms;
  for (;;) {
    const c = await TestClient.session(url).catch(async () => {
      if (Date.now() > end) throw new Error("child instance did not start");
      await new Promise((r) => setTimeout(r, 200));
      return undefined;
    });
    if (c) return c;
  }
}
