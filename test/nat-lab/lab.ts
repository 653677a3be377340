/**
 * The NAT lab: network namespaces joined by veth pairs (needs root, iproute2 and iptables; see TESTING.md).
 *
 *   pub      a bridge with 203.0.113.1 and 203.0.113.2 (TEST-NET-3): our STUN service on both, ports 3478/3479;
 *            with `services`, TURN on 203.0.113.1:3490 and signaling on 203.0.113.1:8080 too
 *   open     203.0.113.50 on the bridge, no NAT
 *   r<i>     a router: WAN 203.0.113.1<i> on the bridge, LAN 10.<i>.0.1; masquerades the LAN behind its WAN address
 *   h<i>     10.<i>.0.2 behind router r<i>
 *   with `sides: 2` a second set: open2 203.0.113.51, routers r1<i> (WAN 203.0.113.2<i>, LAN 10.1<i>.0.0/24)
 *
 * The routers differ only in their iptables rules (ROUTER_RULES). Every namespace is named `nat-<suffix>-…` with a
 * random suffix; {@link Lab.destroy} kills what the lab started and deletes the namespaces, and runs on failure too.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";

export type RouterKind = "full-cone" | "restricted-cone" | "port-restricted-cone" | "symmetric";
export type HostKind = RouterKind | "open";

export const ROUTER_KINDS: readonly RouterKind[] = [
  "full-cone",
  "restricted-cone",
  "port-restricted-cone",
  "symmetric",
];
export const HOST_KINDS: readonly HostKind[] = ["open", ...ROUTER_KINDS];

export const STUN_PRIMARY = "203.0.113.1";
export const STUN_ALT = "203.0.113.2";
export const STUN_PORT = 3478;
export const STUN_ALT_PORT = 3479;

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The `switchboard` command from the sources. */
export const SWITCHBOARD = [
  process.execPath,
  "--conditions=source",
  "--import",
  "tsx",
  "test/nat-lab/switchboard.mjs",
];

/**
 * iptables rules per router kind (run inside the router; `host` is the LAN host's address). All masquerade on
 * the WAN side and drop unsolicited UDP to the router itself; Linux keeps the source port where it can, which
 * makes the mapping endpoint-independent, and conntrack lets in only answers from the exact address and port
 * written to (address-and-port-dependent filtering) — a port-restricted cone. The others add to that:
 */
export function routerRules(kind: RouterKind, host: string): string[][] {
  const masquerade = ["-t", "nat", "-A", "POSTROUTING", "-o", "wan", "-j", "MASQUERADE"];
  const dropUnsolicited = [
    "-A",
    "INPUT",
    "-i",
    "wan",
    "-p",
    "udp",
    "-m",
    "conntrack",
    "--ctstate",
    "NEW",
    "-j",
    "DROP",
  ];
  switch (kind) {
    case "port-restricted-cone":
      return [masquerade, dropUnsolicited];
    case "symmetric":
      // a random source port for every new destination: address-and-port-dependent mapping
      return [[...masquerade, "--random-fully"], dropUnsolicited];
    case "full-cone":
      // any UDP arriving at the WAN address goes to the host, same port: endpoint-independent filtering
      return [
        masquerade,
        ["-t", "nat", "-A", "PREROUTING", "-i", "wan", "-p", "udp", "-j", "DNAT", "--to-destination", host],
        dropUnsolicited,
      ];
    case "restricted-cone":
      // addresses the host has written to (xt_recent) may send from any port: address-dependent filtering
      return [
        masquerade,
        [
          "-A",
          "FORWARD",
          "-i",
          "lan",
          "-o",
          "wan",
          "-p",
          "udp",
          "-m",
          "recent",
          "--name",
          "out",
          "--rdest",
          "--set",
        ],
        [
          "-t",
          "nat",
          "-A",
          "PREROUTING",
          "-i",
          "wan",
          "-p",
          "udp",
          "-m",
          "recent",
          "--name",
          "out",
          "--rsource",
          "--rcheck",
          "--seconds",
          "600",
          "-j",
          "DNAT",
          "--to-destination",
          host,
        ],
        dropUnsolicited,
      ];
  }
}

export type Side = "a" | "b";

export interface LabHost {
  readonly kind: HostKind;
  readonly side: Side;
  readonly ns: string;
  readonly address: string;
}

export interface LabOptions {
  /** One host of each kind, or two (side a and side b, for pairs of the same kind). Default 1. */
  readonly sides?: 1 | 2;
  /** Start TURN and signaling besides STUN. */
  readonly services?: boolean;
  /** The routers' conntrack UDP timeouts (seconds), short to test keep-alives. Default: the kernel's. */
  readonly udpTimeoutSec?: number;
}

export const SIGNALING_URL = `ws://${STUN_PRIMARY}:8080/ws`;
/** A second signaling service that hands out STUN only (no TURN): can a pair connect without a relay at all? */
export const SIGNALING_URL_NO_TURN = `ws://${STUN_PRIMARY}:8081/ws`;
const TURN_PORT = 3490;

function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(" ")}: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
  });
}

export interface ExecResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export class Lab {
  readonly suffix: string;
  readonly pub: string;
  readonly hosts: readonly LabHost[];
  readonly #options: LabOptions;
  readonly #namespaces: string[] = [];
  readonly #children = new Set<ChildProcess>();

  private constructor(suffix: string, options: LabOptions) {
    this.suffix = suffix;
    this.#options = options;
    this.pub = `nat-${suffix}-pub`;
    const hosts: LabHost[] = [];
    const sides: Side[] = options.sides === 2 ? ["a", "b"] : ["a"];
    for (const [s, side] of sides.entries()) {
      hosts.push({ kind: "open", side, ns: `nat-${suffix}-open${s || ""}`, address: `203.0.113.${50 + s}` });
      ROUTER_KINDS.forEach((kind, i) =>
        hosts.push({
          kind,
          side,
          ns: `nat-${suffix}-h${s || ""}${i + 1}`,
          address: `10.${10 * s + i + 1}.0.2`,
        }),
      );
    }
    this.hosts = hosts;
  }

  /** Builds the namespaces and starts the services; tears everything down again if any step fails. */
  static async create(options: LabOptions = {}): Promise<Lab> {
    const lab = new Lab(randomBytes(3).toString("hex"), options);
    try {
      await lab.#build();
      await lab.#startServices();
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  host(kind: HostKind, side: Side = "a"): LabHost {
    const h = this.hosts.find((x) => x.kind === kind && x.side === side);
    if (h === undefined) throw new Error(`no host ${kind} on side ${side}`);
    return h;
  }

  async #addNamespace(name: string): Promise<void> {
    await run("ip", ["netns", "add", name]);
    this.#namespaces.push(name);
    await run("ip", ["-n", name, "link", "set", "lo", "up"]);
  }

  async #build(): Promise<void> {
    const pub = this.pub;
    await this.#addNamespace(pub);
    await run("ip", ["-n", pub, "link", "add", "br0", "type", "bridge"]);
    await run("ip", ["-n", pub, "addr", "add", `${STUN_PRIMARY}/24`, "dev", "br0"]);
    await run("ip", ["-n", pub, "addr", "add", `${STUN_ALT}/24`, "dev", "br0"]);
    await run("ip", ["-n", pub, "link", "set", "br0", "up"]);

    // veth pairs are created inside the namespaces, so no name ever appears in the root namespace
    const uplink = async (ns: string, dev: string, port: string, cidr: string): Promise<void> => {
      await run("ip", ["-n", pub, "link", "add", port, "type", "veth", "peer", "name", dev, "netns", ns]);
      await run("ip", ["-n", pub, "link", "set", port, "master", "br0", "up"]);
      await run("ip", ["-n", ns, "addr", "add", cidr, "dev", dev]);
      await run("ip", ["-n", ns, "link", "set", dev, "up"]);
    };

    for (const host of this.hosts) {
      const s = host.side === "a" ? 0 : 1;
      if (host.kind === "open") {
        await this.#addNamespace(host.ns);
        await uplink(host.ns, "eth0", `popen${s}`, `${host.address}/24`);
        continue;
      }
      const n = 10 * s + ROUTER_KINDS.indexOf(host.kind) + 1;
      const router = `nat-${this.suffix}-r${n}`;
      await this.#addNamespace(router);
      await this.#addNamespace(host.ns);
      await uplink(router, "wan", `pr${n}`, `203.0.113.${10 + n}/24`);
      await run("ip", [
        "-n",
        router,
        "link",
        "add",
        "lan",
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        host.ns,
      ]);
      await run("ip", ["-n", router, "addr", "add", `10.${n}.0.1/24`, "dev", "lan"]);
      await run("ip", ["-n", router, "link", "set", "lan", "up"]);
      await run("ip", ["-n", host.ns, "addr", "add", `${host.address}/24`, "dev", "eth0"]);
      await run("ip", ["-n", host.ns, "link", "set", "eth0", "up"]);
      await run("ip", ["-n", host.ns, "route", "add", "default", "via", `10.${n}.0.1`]);
      await run("ip", ["netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
      for (const rule of routerRules(host.kind, host.address)) {
        await run("ip", ["netns", "exec", router, "iptables", ...rule]);
      }
      const timeout = this.#options.udpTimeoutSec;
      if (timeout !== undefined) {
        await run("ip", [
          "netns",
          "exec",
          router,
          "sysctl",
          "-qw",
          `net.netfilter.nf_conntrack_udp_timeout=${timeout}`,
        ]);
        await run("ip", [
          "netns",
          "exec",
          router,
          "sysctl",
          "-qw",
          `net.netfilter.nf_conntrack_udp_timeout_stream=${timeout}`,
        ]);
      }
    }
  }

  async #startServices(): Promise<void> {
    const tsx = [process.execPath, "--conditions=source", "--import", "tsx"];
    this.spawnIn(this.pub, [...tsx, "services/stun/src/main.ts"], {
      STUN_HOST: STUN_PRIMARY,
      STUN_PORT: String(STUN_PORT),
      STUN_ALT_HOST: STUN_ALT,
      STUN_ALT_PORT: String(STUN_ALT_PORT),
      STUN_WORKERS: "1",
      STUN_TCP: "false",
      STUN_ADMIN_HOST: "127.0.0.1",
      STUN_ADMIN_PORT: "9478",
      LOG_LEVEL: "warn",
    });
    const health = ["http://127.0.0.1:9478/health"];
    if (this.#options.services === true) {
      const secret = randomBytes(24).toString("base64url");
      this.spawnIn(this.pub, [...tsx, "services/turn/src/main.ts"], {
        TURN_HOST: STUN_PRIMARY,
        TURN_PORT: String(TURN_PORT),
        TURN_EXTERNAL_HOST: STUN_PRIMARY,
        TURN_SECRET: secret,
        TURN_ALLOWED_PEER_IPS: "203.0.113.0/24",
        TURN_ADMIN_HOST: "127.0.0.1",
        TURN_ADMIN_PORT: "9479",
        LOG_LEVEL: "warn",
      });
      this.spawnIn(this.pub, [...tsx, "services/signaling/src/main.ts"], {
        SIGNALING_HOST: STUN_PRIMARY,
        SIGNALING_PORT: "8080",
        SIGNALING_AUTO_CREATE_ROOMS: "true",
        TURN_SECRET: secret,
        TURN_URLS: `turn:${STUN_PRIMARY}:${TURN_PORT}?transport=udp`,
        STUN_URLS: `stun:${STUN_PRIMARY}:${STUN_PORT}`,
        LOG_LEVEL: "warn",
      });
      this.spawnIn(this.pub, [...tsx, "services/signaling/src/main.ts"], {
        SIGNALING_HOST: STUN_PRIMARY,
        SIGNALING_PORT: "8081",
        SIGNALING_AUTO_CREATE_ROOMS: "true",
        STUN_URLS: `stun:${STUN_PRIMARY}:${STUN_PORT}`,
        LOG_LEVEL: "warn",
      });
      health.push(
        "http://127.0.0.1:9479/health",
        `http://${STUN_PRIMARY}:8080/health`,
        `http://${STUN_PRIMARY}:8081/health`,
      );
    }
    const deadline = Date.now() + 90_000;
    for (const url of health) {
      for (;;) {
        const r = await this.httpGet(this.pub, url);
        if (r.code === 0) break;
        if (Date.now() > deadline) throw new Error(`the lab's ${url} did not become healthy within 90 s`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /** Starts a long-running process in a namespace, in its own session (setsid); killed by destroy(). */
  spawnIn(
    ns: string,
    command: readonly string[],
    env: Record<string, string> = {},
    stdio: "service" | "pipe" = "service",
  ): ChildProcess {
    const child = spawn("ip", ["netns", "exec", ns, ...command], {
      cwd: ROOT,
      env: { PATH: process.env["PATH"] ?? "", ...env },
      stdio: stdio === "pipe" ? ["pipe", "pipe", "pipe"] : ["ignore", "ignore", "inherit"],
      detached: true,
    });
    this.#children.add(child);
    child.once("exit", () => this.#children.delete(child));
    return child;
  }

  /** Runs a command in a namespace to its end (killed after `timeoutMs`). */
  exec(ns: string, command: readonly string[], timeoutMs = 60_000): Promise<ExecResult> {
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn("ip", ["netns", "exec", ns, ...command], {
        cwd: ROOT,
        env: { PATH: process.env["PATH"] ?? "" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.once("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      });
    });
  }

  /** `switchboard nat --json` (from the sources) on a lab host, against the lab's STUN service. */
  async natOn(kind: HostKind): Promise<ExecResult> {
    return this.exec(this.host(kind).ns, [
      ...SWITCHBOARD,
      "nat",
      "--json",
      // patient retransmissions: five probes start at once on a busy machine
      "--rto",
      "500",
      "--stun",
      `${STUN_PRIMARY}:${STUN_PORT}`,
    ]);
  }

  /** GET `url` from inside namespace `ns` (with Node's fetch: no curl needed); code 0 and the body on a 2xx. */
  httpGet(ns: string, url: string): Promise<ExecResult> {
    const script =
      "fetch(process.argv[1], { signal: AbortSignal.timeout(5000) }).then(" +
      "async (r) => { process.stdout.write(await r.text()); process.exit(r.ok ? 0 : 1); }, () => process.exit(1))";
    return this.exec(ns, [process.execPath, "-e", script, url], 15_000);
  }

  /** turn_relayed_bytes_total of the lab's TURN server, both directions summed. */
  async turnRelayedBytes(): Promise<number> {
    const r = await this.httpGet(this.pub, "http://127.0.0.1:9479/metrics");
    if (r.code !== 0) throw new Error(`TURN metrics unavailable: ${r.stderr}`);
    let total = 0;
    for (const m of r.stdout.matchAll(/^turn_relayed_bytes_total\{[^}]*\} (\d+(?:\.\d+)?(?:e\+\d+)?)$/gm)) {
      total += Number(m[1]);
    }
    return total;
  }

  /** Kills every process the lab started and deletes its namespaces (safe to call twice). */
  async destroy(): Promise<void> {
    for (const child of this.#children) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await Promise.all(
      [...this.#children].map(
        (c) =>
          new Promise<void>((r) =>
            c.exitCode === null && c.signalCode === null ? c.once("exit", () => r()) : r(),
          ),
      ),
    );
    for (const ns of this.#namespaces.splice(0).reverse()) {
      await run("ip", ["netns", "delete", ns]).catch(() => undefined);
    }
  }
}
