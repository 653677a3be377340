/** Real services for the SDK's integration tests: signaling (and TURN) from the repo on loopback. */
import { createLogger, loadConfig } from "@switchboard/runtime";
import {
  checkSignalingConfig,
  createSignalingServer,
  signalingConfigSpec,
  type SignalingServer,
} from "@switchboard/signaling";
import { createTurnServer, loadTurnConfig, type TurnServer } from "@switchboard/turn";
import { freeUdpRange } from "@switchboard/test-support";
import { SwitchboardClient, type ClientEventMap, type ClientOptions } from "../src/index.js";
import { nodeRtc } from "../src/node.js";
import { startWsRelay, type WsRelay } from "./ws-relay.js";

const SECRET = "sdk-test-secret";
const quiet = () =>
  createLogger({ name: "sdk-test", level: process.env.TEST_LOG_LEVEL === "debug" ? "debug" : "silent" });

export interface Services {
  readonly ws: string;
  readonly port: number;
  signaling: SignalingServer;
  readonly turn: TurnServer | undefined;
  /** Stops signaling and starts a fresh one on the same port (sessions and rooms are lost). */
  restartSignaling(): Promise<void>;
  close(): Promise<void>;
}

/** Starts signaling (rooms created on first join) and, with `turn`, our TURN server allowing loopback peers. */
export async function startServices(opts: { turn?: boolean } = {}): Promise<Services> {
  let turn: TurnServer | undefined;
  let turnEnv: Record<string, string> = {};
  if (opts.turn) {
    const range = await freeUdpRange(200);
    turn = createTurnServer({
      config: loadTurnConfig({
        TURN_HOST: "127.0.0.1",
        TURN_PORT: "0",
        TURN_SECRET: SECRET,
        TURN_REALM: "switchboard",
        TURN_ALLOWED_PEER_IPS: "127.0.0.1",
        TURN_MIN_PORT: String(range.min),
        TURN_MAX_PORT: String(range.max),
      }),
      logger: quiet(),
      admin: false,
    });
    const l = await turn.start();
    const udp = l.udp[0];
    if (!udp) throw new Error("TURN has no UDP listener");
    turnEnv = { TURN_SECRET: SECRET, TURN_URLS: `turn:127.0.0.1:${udp.port}?transport=udp` };
  }
  const make = (port: number) =>
    createSignalingServer({
      config: loadConfig(signalingConfigSpec, {
        env: {
          SIGNALING_HOST: "127.0.0.1",
          SIGNALING_PORT: String(port),
          LOG_LEVEL: "silent",
          SIGNALING_AUTO_CREATE_ROOMS: "true",
          SIGNALING_RESUME_GRACE_MS: "30000",
          ...turnEnv,
        },
        check: checkSignalingConfig,
      }),
      logger: quiet(),
    });
  let signaling = make(0);
  const http = await signaling.listen();
  const port = Number(new URL(http).port);
  const services: Services = {
    ws: `ws://127.0.0.1:${port}/ws`,
    port,
    signaling,
    turn,
    async restartSignaling() {
      await services.signaling.close();
      signaling = make(port);
      services.signaling = signaling;
      await signaling.listen();
    },
    async close() {
      await services.signaling.close();
      await turn?.close();
    },
  };
  return services;
}

/** A Node client on node-datachannel, closed by `closeAll`. */
export function makeClient(ws: string, opts: Partial<ClientOptions> = {}): SwitchboardClient {
  return new SwitchboardClient({ signalingUrl: ws, rtc: nodeRtc(), name: "node", ...opts });
}

/** Resolves with the first event payload matching `pred`, or rejects after the deadline. */
export function waitFor<K extends keyof ClientEventMap>(
  client: SwitchboardClient,
  name: K,
  pred: (p: ClientEventMap[K]) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<ClientEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${String(name)}`));
    }, timeoutMs);
    const off = client.on(name, (p) => {
      if (!pred(p)) return;
      clearTimeout(timer);
      off();
      resolve(p);
    });
  });
}

/** Polls until `fn` returns true, or rejects after the deadline. */
export async function until(
  fn: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  what = "condition",
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Collects `message` events per sender. */
export function inbox(client: SwitchboardClient): Map<string, (string | Uint8Array)[]> {
  const box = new Map<string, (string | Uint8Array)[]>();
  client.on("message", ({ peerId, data }) => {
    const list = box.get(peerId) ?? [];
    list.push(data);
    box.set(peerId, list);
  });
  return box;
}

let roomSeq = 0;
export function roomCode(tag: string): string {
  return `sdk-${tag}-${process.pid}-${++roomSeq}`;
}

/** Services behind a `WsRelay` (for tests that read or alter the client → server frames), and its clients. */
export interface Relayed {
  readonly svc: Services;
  readonly relay: WsRelay;
  /** A node-datachannel client connected through the relay, disconnected by `close`. */
  client(name: string, opts?: Partial<ClientOptions>): SwitchboardClient;
  close(): Promise<void>;
}

export async function startRelayed(): Promise<Relayed> {
  const svc = await startServices();
  const relay = await startWsRelay(svc.ws);
  const clients: SwitchboardClient[] = [];
  return {
    svc,
    relay,
    client(name, opts = {}) {
      const c = makeClient(relay.url, { name, ...opts });
      clients.push(c);
      return c;
    },
    async close() {
      await Promise.all(clients.map((c) => c.disconnect()));
      await relay.close();
      await svc.close();
    },
  };
}
