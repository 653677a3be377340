/**
 * The NAT lab: network namespaces joined by veth pairs (needs root, iproute2 and iptables; see TESTING.md).
 *
 *   pub      a bridge with 203.0.113.1 and 203.0.113.2 (TEST-NET-3): our STUN service on both, ports 3478/3479
 *   open     203.0.113.50 on the bridge, no NAT
 *   r<i>     a router: WAN 203.0.113.1<i> on the bridge, LAN 10.<i>.0.1; masquerades the LAN behind its WAN address
 *   h<i>     10.<i>.0.2 behind router r<i>
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

export interface LabHost {
  readonly kind: HostKind;
  readonly ns: string;
  readonly address: string;
}

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
  readonly hosts: ReadonlyMap<HostKind, LabHost>;
  readonly #namespaces: string[] = [];
  readonly #children = new Set<ChildProcess>();

  private constructor(suffix: string) {
    this.suffix = suffix;
    this.pub = `nat-${suffix}-pub`;
    const hosts = new Map<HostKind, LabHost>();
    hosts.set("open", { kind: "open", ns: `nat-${suffix}-open`, address: "203.0.113.50" });
    ROUTER_KINDS.forEach((kind, i) =>
      hosts.set(kind, { kind, ns: `nat-${suffix}-h${i + 1}`, address: `10.${i + 1}.0.2` }),
    );
    this.hosts = hosts;
  }

  /** Builds the namespaces and starts STUN; tears everything down again if any step fails. */
  static async create(): Promise<Lab> {
    const lab = new Lab(randomBytes(3).toString("hex"));
    try {
      await lab.#build();
      await lab.#startStun();
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  host(kind: HostKind): LabHost {
    const h = this.hosts.get(kind);
    if (h === undefined) throw new Error(`no host ${kind}`);
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

    const open = this.host("open");
    await this.#addNamespace(open.ns);
    await uplink(open.ns, "eth0", "popen", `${open.address}/24`);

    for (const [i, kind] of ROUTER_KINDS.entries()) {
      const n = i + 1;
      const router = `nat-${this.suffix}-r${n}`;
      const host = this.host(kind);
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
      for (const rule of routerRules(kind, host.address)) {
        await run("ip", ["netns", "exec", router, "iptables", ...rule]);
      }
    }
  }

  async #startStun(): Promise<void> {
    this.spawnIn(
      this.pub,
      [process.execPath, "--conditions=source", "--import", "tsx", "services/stun/src/main.ts"],
      {
        STUN_HOST: STUN_PRIMARY,
        STUN_PORT: String(STUN_PORT),
        STUN_ALT_HOST: STUN_ALT,
        STUN_ALT_PORT: String(STUN_ALT_PORT),
        STUN_WORKERS: "1",
        STUN_TCP: "false",
        STUN_ADMIN_HOST: "127.0.0.1",
        STUN_ADMIN_PORT: "9478",
        LOG_LEVEL: "warn",
      },
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      const health = await this.exec(this.pub, ["curl", "-sf", "-m", "2", "http://127.0.0.1:9478/health"]);
      if (health.code === 0) return;
      if (Date.now() > deadline) throw new Error("the lab's STUN service did not become healthy within 60 s");
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Starts a long-running process in a namespace, in its own session (setsid); killed by destroy(). */
  spawnIn(ns: string, command: readonly string[], env: Record<string, string> = {}): ChildProcess {
    const child = spawn("ip", ["netns", "exec", ns, ...command], {
      cwd: ROOT,
      env: { PATH: process.env["PATH"] ?? "", ...env },
      stdio: ["ignore", "ignore", "inherit"],
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
      process.execPath,
      "--conditions=source",
      "--import",
      "tsx",
      "packages/cli/src/main.ts",
      "nat",
      "--json",
      "--stun",
      `${STUN_PRIMARY}:${STUN_PORT}`,
    ]);
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
