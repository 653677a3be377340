/**
 * The real platform for the web app's browser tests, on loopback: signaling (meetings API, rooms created only
 * through the API unless asked), optionally our TURN and a throwaway Redis, and one HTTP origin that serves the
 * app's production build (`packages/web/dist`) with `/ws` and `/api` proxied to signaling — the same-origin
 * layout nginx gives in production.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, loadConfig } from "@switchboard/runtime";
import {
  checkSignalingConfig,
  createSignalingServer,
  signalingConfigSpec,
  type SignalingServer,
} from "@switchboard/signaling";
import { createTurnServer, loadTurnConfig, type TurnServer } from "@switchboard/turn";
import { freePort, freeUdpRange, RedisProcess } from "@switchboard/test-support";

/** The app's production build (`npm run build -w @switchboard/web`). */
export const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));

const TURN_SECRET = "web-test-secret";
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".map": "application/json",
  ".json": "application/json",
  ".ico": "image/x-icon",
};

export interface WebPlatformOptions {
  /** Our TURN server, its URL handed out in `welcome` (default true). */
  readonly turn?: boolean;
  /** Signaling over a throwaway Redis: meetings survive a signaling restart (default false). */
  readonly redis?: boolean;
  /** `join` creates unknown meetings (default false: only `POST /api/meetings` does). */
  readonly autoCreateRooms?: boolean;
}

export interface WebPlatform {
  /** `http://127.0.0.1:PORT`: the app, `/ws` and `/api`. */
  readonly origin: string;
  readonly signalingPort: number;
  readonly turn: TurnServer | undefined;
  /** Stops signaling and starts a fresh instance on the same port (in-memory state is lost; Redis keeps meetings). */
  restartSignaling(opts?: { downMs?: number }): Promise<void>;
  /** Stops signaling (the app's origin stays up and answers `/ws` with a failed upgrade). */
  stopSignaling(): Promise<void>;
  /** Starts signaling again after {@link WebPlatform.stopSignaling}. */
  startSignaling(): Promise<void>;
  /** Creates a meeting through the REST API, as the Start view does. */
  createMeeting(settings?: Record<string, unknown>): Promise<{ roomId: string; hostKey: string }>;
  close(): Promise<void>;
}

const quiet = () =>
  createLogger({ name: "web-test", level: process.env.TEST_LOG_LEVEL === "debug" ? "debug" : "silent" });

/** Starts the platform and the app's origin; `close()` stops everything. */
export async function startWebPlatform(opts: WebPlatformOptions = {}): Promise<WebPlatform> {
  if (!existsSync(join(DIST, "index.html")))
    throw new Error(`${DIST}index.html is missing: build the app first (npx turbo run build)`);
  let turn: TurnServer | undefined;
  let redis: RedisProcess | undefined;
  const env: Record<string, string> = {
    SIGNALING_HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    SIGNALING_AUTO_CREATE_ROOMS: String(opts.autoCreateRooms === true),
    SIGNALING_RESUME_GRACE_MS: "30000",
  };
  if (opts.turn !== false) {
    const range = await freeUdpRange(200);
    turn = createTurnServer({
      config: loadTurnConfig({
        TURN_HOST: "127.0.0.1",
        TURN_PORT: "0",
        TURN_SECRET,
        TURN_REALM: "switchboard",
        TURN_ALLOWED_PEER_IPS: "127.0.0.1",
        TURN_MIN_PORT: String(range.min),
        TURN_MAX_PORT: String(range.max),
      }),
      logger: quiet(),
      admin: false,
    });
    const udp = (await turn.start()).udp[0];
    if (!udp) throw new Error("TURN has no UDP listener");
    Object.assign(env, { TURN_SECRET, TURN_URLS: `turn:127.0.0.1:${udp.port}?transport=udp` });
  }
  if (opts.redis) {
    redis = await RedisProcess.start();
    env.REDIS_URL = redis.url;
  }
  const signalingPort = await freePort();
  const makeSignaling = (): SignalingServer =>
    createSignalingServer({
      config: loadConfig(signalingConfigSpec, {
        env: { ...env, SIGNALING_PORT: String(signalingPort) },
        check: checkSignalingConfig,
      }),
      logger: quiet(),
    });
  let signaling: SignalingServer | undefined = makeSignaling();
  await signaling.listen();
  const stopSignaling = async (): Promise<void> => {
    web.dropUpgrades();
    await signaling?.close();
    signaling = undefined;
  };
  const startSignaling = async (): Promise<void> => {
    if (signaling) return;
    signaling = makeSignaling();
    await signaling.listen();
  };
  const web = await serveApp(signalingPort);
  const origin = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
  return {
    origin,
    signalingPort,
    turn,
    async restartSignaling({ downMs = 0 } = {}) {
      await stopSignaling();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await startSignaling();
    },
    stopSignaling,
    startSignaling,
    async createMeeting(settings = {}) {
      const res = await fetch(`${origin}/api/meetings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ settings }),
      });
      if (res.status !== 201) throw new Error(`POST /api/meetings: HTTP ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { meeting: { roomId: string }; hostKey: string };
      return { roomId: body.meeting.roomId, hostKey: body.hostKey };
    },
    async close() {
      await web.close();
      await signaling?.close();
      await turn?.close();
      await redis?.dispose();
    },
  };
}

interface AppServer {
  readonly server: Server;
  /** Cuts every proxied WebSocket (as a dying signaling instance would). */
  dropUpgrades(): void;
  close(): Promise<void>;
}

/** Serves dist/ and proxies `/api` (HTTP) and `/ws` (WebSocket upgrade) to signaling on `upstream`. */
async function serveApp(upstream: number): Promise<AppServer> {
  const tunnels = new Set<Socket>();
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/api/")) proxyHttp(req, res, upstream);
    else serveStatic(req, res);
  });
  server.on("upgrade", (req: IncomingMessage, client: Socket, head: Buffer) => {
    if (!req.url?.startsWith("/ws")) return client.destroy();
    const up = connect(upstream, "127.0.0.1", () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(client).pipe(up);
    });
    for (const s of [up, client]) {
      tunnels.add(s);
      s.on("error", () => undefined);
      s.on("close", () => {
        tunnels.delete(s);
        up.destroy();
        client.destroy();
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    server,
    dropUpgrades: () => {
      for (const s of tunnels) s.destroy();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of tunnels) s.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function proxyHttp(req: IncomingMessage, res: ServerResponse, upstream: number): void {
  const up = request(
    { host: "127.0.0.1", port: upstream, method: req.method, path: req.url, headers: req.headers },
    (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    },
  );
  up.on("error", () => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
    res.end(
      JSON.stringify({ error: { code: "unavailable", message: "signaling is down", retryable: true } }),
    );
  });
  req.pipe(up);
}

function serveStatic(req: IncomingMessage, res: ServerResponse): void {
  const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  const rel = normalize(path === "/" ? "/index.html" : path);
  const file = join(DIST, rel);
  if (!file.startsWith(DIST) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
  createReadStream(file).pipe(res);
}
