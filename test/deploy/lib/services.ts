// The four services as local processes on free ports (the topology of the compose files, without Docker).
import { join } from "node:path";
import { repoRoot } from "./paths.js";
import { freePort, freeUdpRange } from "@switchboard/test-support";
import { startProc, waitForHttp, type Proc } from "./processes.js";

export const SERVICE_NAMES = ["stun", "turn", "signaling", "tracker"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface RunningService {
  readonly name: ServiceName;
  readonly proc: Proc;
  /** The service's own port (UDP+TCP for STUN/TURN, HTTP for signaling/tracker). */
  readonly port: number;
  /** Base URL of the HTTP server that serves /health and /metrics. */
  readonly admin: string;
}

export interface ServiceOptions {
  readonly turnSecret?: string;
  readonly redisUrl?: string;
  readonly extraEnv?: Readonly<Record<string, string>>;
}

async function envFor(
  name: ServiceName,
  opts: ServiceOptions,
): Promise<{ env: Record<string, string>; port: number; adminPort: number }> {
  switch (name) {
    case "stun": {
      const port = await freePort({ protocol: "both" });
      const adminPort = await freePort();
      const env = {
        STUN_HOST: "127.0.0.1",
        STUN_PORT: String(port),
        STUN_ADMIN_HOST: "127.0.0.1",
        STUN_ADMIN_PORT: String(adminPort),
        STUN_WORKERS: "1",
      };
      return { env, port, adminPort };
    }
    case "turn": {
      const port = await freePort({ protocol: "both" });
      const adminPort = await freePort();
      const range = await freeUdpRange(20);
      const env = {
        TURN_HOST: "127.0.0.1",
        TURN_PORT: String(port),
        TURN_RELAY_HOST: "127.0.0.1",
        TURN_MIN_PORT: String(range.min),
        TURN_MAX_PORT: String(range.max),
        TURN_SECRET: opts.turnSecret ?? "deploy-test-secret",
        TURN_ADMIN_HOST: "127.0.0.1",
        TURN_ADMIN_PORT: String(adminPort),
      };
      return { env, port, adminPort };
    }
    case "signaling": {
      const port = await freePort();
      const env: Record<string, string> = {
        SIGNALING_HOST: "127.0.0.1",
        SIGNALING_PORT: String(port),
        TURN_SECRET: opts.turnSecret ?? "deploy-test-secret",
      };
      if (opts.redisUrl) env.REDIS_URL = opts.redisUrl;
      return { env, port, adminPort: port };
    }
    case "tracker": {
      const port = await freePort({ protocol: "both" });
      const env: Record<string, string> = {
        TRACKER_HOST: "127.0.0.1",
        TRACKER_PORT: String(port),
        TRACKER_UDP_PORT: String(port),
      };
      if (opts.redisUrl) env.REDIS_URL = opts.redisUrl;
      return { env, port, adminPort: port };
    }
  }
}

/** Starts a service from its TypeScript sources (tsx) and waits until its /health answers 200. */
export async function startService(name: ServiceName, opts: ServiceOptions = {}): Promise<RunningService> {
  const { env, port, adminPort } = await envFor(name, opts);
  // Only what this function sets: no Redis or secret inherited from the test command's environment.
  const inherited = { ...process.env };
  for (const k of ["REDIS_URL", "TURN_SECRET", "TURN_URLS", "STUN_URLS", "JWT_SECRET", "JWT_PUBLIC_KEY"])
    delete inherited[k];
  const proc = startProc(
    name,
    process.execPath,
    ["--conditions=source", "--import", "tsx", join(repoRoot, "services", name, "src", "main.ts")],
    {
      cwd: repoRoot,
      env: { ...inherited, LOG_LEVEL: "warn", ...env, ...opts.extraEnv },
    },
  );
  const admin = `http://127.0.0.1:${adminPort}`;
  await waitForHttp(`${admin}/health`, { proc, timeoutMs: 30_000 });
  return { name, proc, port, admin };
}
