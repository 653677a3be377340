import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import {
  bool,
  int,
  loadConfig,
  logLevelField,
  num,
  oneOf,
  optionalStr,
  port,
  str,
  type ConfigOf,
} from "@switchboard/runtime";
import { DATAGRAM_BACKEND_CHOICES } from "@switchboard/datagram";

const ipOrEmpty = /^(|[0-9a-fA-F:.]+)$/;

/** Every setting of the STUN service: environment variable, config file key, default. */
export const stunConfigSpec = {
  host: str({
    env: "STUN_HOST",
    doc: 'bind address of the STUN listeners; empty = all interfaces ("::" dual-stack, or 0.0.0.0 without IPv6)',
    default: "",
    pattern: ipOrEmpty,
  }),
  port: port({
    env: "STUN_PORT",
    doc: "UDP and TCP port of the STUN listeners (0 = any free port, the same for UDP and TCP)",
    default: 3478,
  }),
  altHost: optionalStr({
    env: "STUN_ALT_HOST",
    doc: "RFC 5780 second address (with STUN_ALT_PORT turns NAT behaviour discovery on)",
  }),
  altPort: int({
    env: "STUN_ALT_PORT",
    doc: "RFC 5780 second port (0 = unset; with STUN_ALT_HOST turns NAT behaviour discovery on)",
    default: 0,
    min: 0,
    max: 65535,
  }),
  tcp: bool({ env: "STUN_TCP", doc: "serve STUN over TCP too", default: true }),
  adminHost: str({
    env: "STUN_ADMIN_HOST",
    doc: "bind address of the admin HTTP server",
    default: "127.0.0.1",
  }),
  adminPort: port({
    env: "STUN_ADMIN_PORT",
    doc: "port of the admin HTTP server (/health /stats /metrics)",
    default: 9478,
  }),
  workers: int({
    env: "STUN_WORKERS",
    doc: "0 = one worker process per CPU; 1 = serve in the main process (no cluster); N = N cluster workers",
    default: 0,
    min: 0,
    max: 256,
  }),
  software: str({
    env: "STUN_SOFTWARE",
    doc: "SOFTWARE attribute of responses; empty leaves it out",
    default: "Switchboard STUN",
    allowEmpty: true,
  }),
  rateLimitPerSecond: num({
    env: "STUN_RATE_LIMIT_PER_SECOND",
    doc: "requests per second allowed from one source address (per worker); 0 turns the limit off",
    default: 200,
    min: 0,
  }),
  rateLimitBurst: int({
    env: "STUN_RATE_LIMIT_BURST",
    doc: "burst of requests allowed from one source address before the rate limit applies",
    default: 400,
    min: 1,
  }),
  rateLimitBytesPerSecond: int({
    env: "STUN_RATE_LIMIT_BYTES_PER_SECOND",
    doc: "reply bytes per second to one source address (per worker), with a burst of twice that; 0 turns the budget off",
    default: 16_384,
    min: 0,
  }),
  rateLimitMaxSources: int({
    env: "STUN_RATE_LIMIT_MAX_SOURCES",
    doc: "source addresses tracked at once by the limiter (least recently seen forgotten first)",
    default: 100_000,
    min: 1,
  }),
  udpBufferBytes: int({
    env: "STUN_UDP_BUFFER_BYTES",
    doc: "receive and send buffer asked of the OS for each UDP socket (capped by net.core.rmem_max/wmem_max); 0 = OS default",
    default: 1 << 20,
    min: 0,
  }),
  udpIo: oneOf({
    env: "STUN_UDP_IO",
    doc: "UDP I/O: native = batched recvmmsg/sendmmsg (Linux addon), dgram = node:dgram, auto = native where built",
    default: "auto",
    values: DATAGRAM_BACKEND_CHOICES,
  }),
  tcpIdleTimeoutMs: int({
    env: "STUN_TCP_IDLE_TIMEOUT_MS",
    doc: "a TCP connection silent this long is closed",
    default: 30_000,
    min: 100,
  }),
  tcpMaxConnections: int({
    env: "STUN_TCP_MAX_CONNECTIONS",
    doc: "TCP connections served at once per worker; further ones are refused",
    default: 10_000,
    min: 1,
  }),
  logLevel: logLevelField,
};

export type StunConfig = ConfigOf<typeof stunConfigSpec>;

const WILDCARDS = new Set(["", "0.0.0.0", "::"]);

/** Cross-field checks: RFC 5780 needs both an alternate address and port, distinct from the primary ones. */
export function checkStunConfig(c: StunConfig): string[] {
  const problems: string[] = [];
  for (const [env, value] of [
    ["STUN_HOST", c.host],
    ["STUN_ALT_HOST", c.altHost],
    ["STUN_ADMIN_HOST", c.adminHost],
  ] as const) {
    if (value !== undefined && value !== "" && isIP(value) === 0) {
      problems.push(`${env}: expected an IPv4 or IPv6 address, got "${value}"`);
    }
  }
  const hasAltHost = c.altHost !== undefined;
  const hasAltPort = c.altPort !== 0;
  if (hasAltHost !== hasAltPort) {
    problems.push("STUN_ALT_HOST and STUN_ALT_PORT: set both (NAT behaviour discovery) or neither");
  }
  if (hasAltHost && hasAltPort) {
    if (WILDCARDS.has(c.host)) {
      problems.push("STUN_HOST: must be a specific address when STUN_ALT_HOST is set (RFC 5780)");
    }
    if (c.altHost !== undefined && WILDCARDS.has(c.altHost)) {
      problems.push("STUN_ALT_HOST: must be a specific address, not a wildcard");
    }
    if (c.altHost === c.host) problems.push("STUN_ALT_HOST: must differ from STUN_HOST");
    if (c.altPort === c.port) problems.push("STUN_ALT_PORT: must differ from STUN_PORT");
    if (c.port === 0) problems.push("STUN_PORT: must be a fixed port when STUN_ALT_PORT is set");
    if (
      c.altHost !== undefined &&
      isIP(c.altHost) !== 0 &&
      isIP(c.host) !== 0 &&
      isIP(c.altHost) !== isIP(c.host)
    ) {
      problems.push("STUN_ALT_HOST: must be of the same address family as STUN_HOST");
    }
  }
  return problems;
}

export interface LoadStunConfigOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** From `--config`; else `STUN_CONFIG` names the file. */
  file?: string;
}

/** Loads and validates the configuration once (defaults < file < environment); throws a ConfigError. */
export function loadStunConfig(opts: LoadStunConfigOptions): StunConfig {
  const config = loadConfig(stunConfigSpec, {
    env: opts.env,
    fileEnv: "STUN_CONFIG",
    ...(opts.file === undefined ? {} : { file: opts.file }),
    check: checkStunConfig,
  });
  // The shared loader treats an empty variable as unset; for STUN_SOFTWARE, set-but-empty means "leave it out".
  return opts.env["STUN_SOFTWARE"] === "" ? Object.freeze({ ...config, software: "" }) : config;
}

/** The number of STUN worker processes the configuration asks for. */
export function workerCount(c: StunConfig): number {
  return c.workers === 0 ? availableParallelism() : c.workers;
}
