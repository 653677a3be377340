// `npm start`'s runner (scripts/start.mjs) on free ports, for tests that need the whole local platform.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "@switchboard/test-support";
import { repoRoot } from "./paths.js";
import { startProc, stopProc, waitUntil, type Proc } from "./processes.js";

export interface LocalPlatform {
  readonly runner: Proc;
  readonly ports: Readonly<Record<PortVar, number>>;
  readonly signalingUrl: string;
  /** The web app (packages/web/dist) with /ws and /api/ of signaling on the same origin. */
  readonly webUrl: string;
  stop(): Promise<void>;
}

export const PORT_VARS = [
  "STUN_PORT",
  "STUN_ADMIN_PORT",
  "TURN_PORT",
  "TURN_ADMIN_PORT",
  "SIGNALING_PORT",
  "TRACKER_PORT",
  "WEB_PORT",
] as const;
export type PortVar = (typeof PORT_VARS)[number];

/**
 * Free ports for every service (UDP and TCP where the service uses both), all different: each one is free when
 * found but not held, so the kernel may hand the same number out twice in a row.
 */
export async function freePlatformPorts(): Promise<Record<PortVar, number>> {
  const both = new Set<PortVar>(["STUN_PORT", "TURN_PORT", "TRACKER_PORT"]);
  const ports = {} as Record<PortVar, number>;
  const taken = new Set<number>();
  for (const v of PORT_VARS) {
    let port = await freePort(both.has(v) ? { protocol: "both" } : {});
    for (let tries = 1; taken.has(port); tries++) {
      if (tries > 20) throw new Error(`no free port for ${v} apart from the others`);
      port = await freePort(both.has(v) ? { protocol: "both" } : {});
    }
    taken.add(port);
    ports[v] = port;
  }
  return ports;
}

/** The environment of a local run on these ports: no inherited secrets, Redis or log settings. */
export function platformEnv(
  ports: Record<PortVar, number>,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, STUN_WORKERS: "1", LOG_LEVEL: "warn", ...extra };
  for (const k of [
    "TURN_SECRET",
    "REDIS_URL",
    "PUBLIC_HOST",
    "BIND_HOST",
    "LOG_FORMAT",
    "SWITCHBOARD_SERVICES",
  ])
    if (!(k in extra)) delete env[k];
  for (const [k, v] of Object.entries(ports)) env[k] = String(v);
  return env;
}

/** Starts scripts/start.mjs (already built) and waits for its ready line. */
export async function startLocalPlatform(extra: Record<string, string> = {}): Promise<LocalPlatform> {
  const ports = await freePlatformPorts();
  const runner = startProc("start.mjs", process.execPath, [join(repoRoot, "scripts/start.mjs")], {
    cwd: repoRoot,
    env: platformEnv(ports, extra),
  });
  await waitUntil(
    "the local platform's ready line",
    () => {
      if (runner.child.exitCode !== null) throw new Error(`start.mjs exited:\n${runner.output()}`);
      return runner.output().includes("Switchboard is ready");
    },
    60_000,
  );
  return {
    runner,
    ports,
    signalingUrl: `ws://127.0.0.1:${ports.SIGNALING_PORT}/ws`,
    webUrl: `http://127.0.0.1:${ports.WEB_PORT}/`,
    stop: () => stopProc(runner, 15_000),
  };
}

/** Process ids of a process's children, from /proc. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Whether a process id is still in use. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Local addresses of the sockets bound to `port` (TCP listeners and UDP sockets, IPv4 and IPv6), from /proc/net:
 * "127.0.0.1", "0.0.0.0", "::"…
 */
export function boundAddresses(port: number): string[] {
  const out: string[] = [];
  for (const [file, v6] of [
    ["tcp", false],
    ["udp", false],
    ["tcp6", true],
    ["udp6", true],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(`/proc/net/${file}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.trim().split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [addr, portHex] = (cols[1] ?? "").split(":");
      const state = cols[3];
      if (addr === undefined || portHex === undefined || Number.parseInt(portHex, 16) !== port) continue;
      if (file.startsWith("tcp") && state !== "0A") continue; // listeners only
      out.push(v6 ? procIpv6(addr) : procIpv4(addr));
    }
  }
  return out;
}

function procIpv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join(".");
}

function procIpv6(hex: string): string {
  if (/^0+$/.test(hex)) return "::";
  if (hex === "00000000000000000000000001000000") return "::1";
  if (hex.startsWith("0000000000000000FFFF0000")) return `::ffff:${procIpv4(hex.slice(24))}`;
  return hex;
}
