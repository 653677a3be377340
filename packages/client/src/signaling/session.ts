import {
  FEATURE_PEER_JOINED_OFFER,
  withFeatures,
  type ClientMessage,
  type ServerMessage,
  type ServerMessageOf,
} from "@switchboard/protocol";
import { SwitchboardError } from "../errors.js";
import { exponentialBackoff, type BackoffPolicy } from "./backoff.js";
import { canTransition, type SignalingState } from "./state.js";
import { frameText, type WebSocketConstructor, type WebSocketLike } from "./websocket.js";
import type { SignalingTransport } from "./transport.js";

/**
 * What the client asks the server for on the URL (servers that do not know one ignore it, and the client
 * handles both behaviours): `peer.joined` carrying the newcomer's offer.
 */
const FEATURES = [FEATURE_PEER_JOINED_OFFER];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A client message as callers write it: the session adds `v` and, for requests, `id`. */
export type Outgoing = DistributiveOmit<ClientMessage, "v" | "id">;
export type Welcome = ServerMessageOf<"welcome">;

export interface SignalingSessionOptions {
  readonly url: string;
  readonly WebSocket: WebSocketConstructor;
  readonly token?: string;
  readonly backoff?: BackoffPolicy;
  /** Deadline of a request (ack, error or reply), ms. */
  readonly requestTimeoutMs?: number;
  /** Deadline of the WebSocket open + welcome, ms. */
  readonly connectTimeoutMs?: number;
  /** Heartbeat period; the link is declared dead after 3 periods of silence, ms. */
  readonly pingIntervalMs?: number;
  /** Every server message (after request bookkeeping). */
  readonly onMessage: (msg: ServerMessage) => void;
  readonly onState: (state: SignalingState) => void;
  /** A new session replaced the old one (not resumable): rejoin rooms here; the session is `open` after. */
  readonly onNewSession: (welcome: Welcome, previous: Welcome) => Promise<void>;
}

interface Pending {
  resolve: (m: ServerMessage) => void;
  reject: (e: SwitchboardError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const MAX_QUEUED = 512;

/**
 * The WebSocket session with the signaling service: hello/welcome, requests with ids answered by
 * ack/error/reply within a deadline, reconnection with backoff and `hello {resume}`, and a fresh session
 * (rejoined by `onNewSession`) when the old one cannot be resumed.
 */
export class SignalingSession implements SignalingTransport {
  #state: SignalingState = "connecting";
  #ws: WebSocketLike | undefined;
  #welcome: Welcome | undefined;
  #ready = false;
  #seq = 0;
  readonly #pending = new Map<string, Pending>();
  #queue: string[] = [];
  #readyWaiters: { resolve: () => void; reject: (e: SwitchboardError) => void }[] = [];
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #lastHeard = 0;
  readonly #opts: SignalingSessionOptions;
  readonly #backoff: BackoffPolicy;

  constructor(opts: SignalingSessionOptions) {
    this.#opts = opts;
    this.#backoff = opts.backoff ?? exponentialBackoff();
  }

  get state(): SignalingState {
    return this.#state;
  }

  get welcome(): Welcome | undefined {
    return this.#welcome;
  }

  /** Connects and says hello once; rejects with `signaling_unreachable` (or the server's error code). */
  async start(): Promise<Welcome> {
    const ws = await this.#open();
    const welcome = await this.#hello(ws, {});
    this.#adopt(ws, welcome);
    this.#setState("open");
    return welcome;
  }

  /** Sends a request and resolves with its reply; waits (within the deadline) while reconnecting. */
  async request(msg: Outgoing, timeoutMs = this.#opts.requestTimeoutMs ?? 10_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    await this.#whenReady(timeoutMs);
    const id = `c${++this.#seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.#pending.delete(id);
          reject(new SwitchboardError("timeout", `${msg.type} got no answer`));
        },
        Math.max(1, deadline - Date.now()),
      );
      this.#pending.set(id, { resolve, reject, timer });
      this.#ws?.send(JSON.stringify({ v: 1, id, ...msg }));
    });
  }

  /** Sends without waiting for an answer; queued while reconnecting (dropped if the session is replaced). */
  send(msg: Outgoing): void {
    const text = JSON.stringify({ v: 1, ...msg });
    if (this.#ready && this.#ws) this.#ws.send(text);
    else if (this.#state !== "closed" && this.#queue.length < MAX_QUEUED) this.#queue.push(text);
  }

  /** Ends the session (`bye`) and closes the socket. */
  async close(): Promise<void> {
    if (this.#state === "closed") return;
    const ws = this.#ws;
    if (ws && this.#ready) {
      try {
        ws.send(JSON.stringify({ v: 1, type: "bye" }));
      } catch {
        // already closing
      }
    }
    this.#shutdown(new SwitchboardError("signaling_closed"));
    ws?.close(1000, "bye");
    await Promise.resolve();
  }

  /** Drops the socket as a network failure would (tests, and a dead heartbeat). */
  dropConnection(): void {
    const ws = this.#ws;
    if (!ws) return;
    this.#lost(ws);
    ws.close(4000, "dropped");
  }

  #setState(state: SignalingState): void {
    if (state === this.#state || !canTransition(this.#state, state)) return;
    this.#state = state;
    this.#opts.onState(state);
  }

  #open(): Promise<WebSocketLike> {
    const timeoutMs = this.#opts.connectTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      let ws: WebSocketLike;
      try {
        ws = new this.#opts.WebSocket(withFeatures(this.#opts.url, FEATURES));
      } catch (err) {
        reject(new SwitchboardError("signaling_unreachable", String(err)));
        return;
      }
      const timer = setTimeout(() => {
        fail(`no connection to ${this.#opts.url} within ${timeoutMs} ms`);
        ws.close();
      }, timeoutMs);
      const fail = (why: string) => {
        clearTimeout(timer);
        ws.onopen = ws.onclose = ws.onerror = null;
        reject(new SwitchboardError("signaling_unreachable", why));
      };
      ws.onmessage = (ev) => this.#receive(ws, ev.data);
      ws.onerror = () => fail(`cannot connect to ${this.#opts.url}`);
      ws.onclose = () => fail(`cannot connect to ${this.#opts.url}`);
      ws.onopen = () => {
        clearTimeout(timer);
        ws.onerror = null;
        ws.onclose = () => this.#lost(ws);
        resolve(ws);
      };
    });
  }

  /** Sends hello on a fresh socket and waits for welcome (rejects with the server's error). */
  #hello(
    ws: WebSocketLike,
    extra: { resume?: { sessionId: string; resumeToken: string } },
  ): Promise<Welcome> {
    const id = `h${++this.#seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new SwitchboardError("signaling_unreachable", "no welcome"));
      }, this.#opts.connectTimeoutMs ?? 10_000);
      this.#pending.set(id, { resolve: (m) => resolve(m as Welcome), reject, timer });
      const hello = {
        v: 1,
        id,
        type: "hello",
        ...extra,
        ...(this.#opts.token ? { token: this.#opts.token } : {}),
      };
      ws.send(JSON.stringify(hello));
    });
  }

  #adopt(ws: WebSocketLike, welcome: Welcome): void {
    this.#ws = ws;
    this.#welcome = welcome;
    this.#ready = true;
    this.#lastHeard = Date.now();
    const period = Math.min(
      this.#opts.pingIntervalMs ?? 10_000,
      Math.max(1000, welcome.limits.idleTimeoutMs / 3),
    );
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => {
      if (this.#ws !== ws) return;
      if (Date.now() - this.#lastHeard > 3 * period) this.dropConnection();
      else ws.send(JSON.stringify({ v: 1, type: "ping" }));
    }, period);
  }

  #flush(): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const text of queued) this.#ws?.send(text);
    for (const w of this.#readyWaiters.splice(0)) w.resolve();
  }

  #whenReady(timeoutMs: number): Promise<void> {
    if (this.#ready) return Promise.resolve();
    if (this.#state === "closed") return Promise.reject(new SwitchboardError("signaling_closed"));
    return new Promise((resolve, reject) => {
      const w = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e: SwitchboardError) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.#readyWaiters = this.#readyWaiters.filter((x) => x !== w);
        reject(new SwitchboardError("signaling_unreachable", "still reconnecting"));
      }, timeoutMs);
      this.#readyWaiters.push(w);
    });
  }

  #receive(ws: WebSocketLike, data: unknown): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(frameText(data)) as ServerMessage;
    } catch {
      return; // not JSON: ignore (the server never sends it)
    }
    if (typeof msg !== "object" || msg === null || typeof msg.type !== "string") return;
    if (ws === this.#ws) this.#lastHeard = Date.now();
    if (msg.id !== undefined) {
      const p = this.#pending.get(msg.id);
      if (p) {
        this.#pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.type === "error") p.reject(new SwitchboardError(msg.code, msg.message));
        else p.resolve(msg);
      }
    }
    if (ws === this.#ws && msg.type !== "welcome" && msg.type !== "pong") this.#opts.onMessage(msg);
  }

  /** The socket went away without us closing it: fail what waits for an answer, then reconnect. */
  #lost(ws: WebSocketLike): void {
    if (ws !== this.#ws || this.#state === "closed") return;
    ws.onclose = ws.onmessage = ws.onerror = null;
    this.#ws = undefined;
    this.#ready = false;
    clearInterval(this.#heartbeat);
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new SwitchboardError("signaling_unreachable", "connection lost before the answer"));
      this.#pending.delete(id);
    }
    this.#setState("resuming");
    void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const delay = this.#backoff.nextDelayMs(attempt, Date.now() - started);
      if (delay === null) {
        this.#shutdown(new SwitchboardError("signaling_unreachable", "gave up reconnecting"));
        return;
      }
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (this.#state === "closed") return;
      let ws: WebSocketLike | undefined;
      try {
        ws = await this.#open();
        const previous = this.#welcome;
        if (!previous) return;
        let welcome: Welcome;
        try {
          welcome = await this.#hello(ws, {
            resume: { sessionId: previous.sessionId, resumeToken: previous.resumeToken },
          });
        } catch (err) {
          if (!(err instanceof SwitchboardError) || err.code !== "not_resumable") throw err;
          this.#setState("rejoining");
          welcome = await this.#hello(ws, {});
          this.#queue = []; // addressed to peer ids of the old session
          this.#adopt(ws, welcome);
          this.#flush();
          await this.#opts.onNewSession(welcome, previous).catch(() => undefined);
          if (this.#ws === ws) this.#setState("open");
          return;
        }
        if (this.#isClosed()) return;
        this.#adopt(ws, welcome);
        this.#flush();
        this.#setState("open");
        return;
      } catch {
        if (ws && ws !== this.#ws) ws.close();
        if (this.#isClosed()) return;
        if (this.#ws === ws && ws) {
          // lost again during the rejoin: #lost() already started another round
          return;
        }
      }
    }
  }

  #isClosed(): boolean {
    return this.#state === "closed";
  }

  #shutdown(err: SwitchboardError): void {
    this.#ready = false;
    clearInterval(this.#heartbeat);
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.#pending.clear();
    for (const w of this.#readyWaiters.splice(0)) w.reject(err);
    this.#queue = [];
    if (this.#ws) this.#ws.onclose = this.#ws.onmessage = this.#ws.onerror = null;
    this.#ws = undefined;
    this.#setState("closed");
  }
}
