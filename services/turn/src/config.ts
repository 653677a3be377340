/**
 * The TURN service's configuration: every setting, its environment variable and default, validated once at
 * start-up (defaults < JSON file from `TURN_CONFIG` or `--config` < environment) and frozen.
 */
import { isIP } from "node:net";
import {
  bool,
  cidrList,
  int,
  list,
  loadConfig,
  logLevelField,
  oneOf,
  optionalStr,
  port,
  str,
  type ConfigOf,
} from "@switchboard/runtime";
import { DATAGRAM_BACKEND_CHOICES } from "@switchboard/datagram";

const ipItem = (entry: string): string => {
  if (isIP(entry) === 0) throw new Error(`expected an IP address, got ${JSON.stringify(entry)}`);
  return entry;
};

const userItem = (entry: string): string => {
  const i = entry.indexOf(":");
  if (i <= 0 || i === entry.length - 1) throw new Error("expected user:password entries");
  return entry;
};

export const turnConfigSpec = {
  hosts: list({
    env: "TURN_HOST",
    doc: "addresses the UDP/TCP/TLS listeners bind to",
    default: ["0.0.0.0"],
    item: ipItem,
  }),
  port: port({ env: "TURN_PORT", doc: "UDP and TCP listening port", default: 3479 }),
  tlsPort: port({
    env: "TURN_TLS_PORT",
    doc: "TLS listening port (0 with a cert = OS-chosen)",
    default: 5349,
  }),
  tlsCert: optionalStr({
    env: "TURN_TLS_CERT",
    doc: "PEM certificate file; TLS is on when cert and key are set",
  }),
  tlsKey: optionalStr({
    env: "TURN_TLS_KEY",
    doc: "PEM private key file (reloaded on SIGHUP with the certificate)",
  }),
  realm: str({ env: "TURN_REALM", doc: "long-term credential realm", default: "switchboard" }),
  users: list({
    env: "TURN_USERS",
    doc: "static long-term users, user:password,user2:password2",
    secret: true,
    item: userItem,
  }),
  secrets: list({
    env: "TURN_SECRET",
    doc: "TURN REST API shared secrets (coturn use-auth-secret), comma-separated: all are accepted (rotation)",
    secret: true,
  }),
  relayHosts: list({
    env: "TURN_RELAY_HOST",
    doc: "addresses relay sockets bind to, at most one IPv4 and one IPv6; defaults to TURN_HOST",
    item: ipItem,
  }),
  externalHosts: list({
    env: "TURN_EXTERNAL_HOST",
    doc: "addresses advertised in XOR-RELAYED-ADDRESS (1:1 NAT), one per relay family",
    item: ipItem,
  }),
  minPort: port({ env: "TURN_MIN_PORT", doc: "lowest relay port", default: 49152 }),
  maxPort: port({ env: "TURN_MAX_PORT", doc: "highest relay port", default: 65535 }),
  allowedPeerIps: cidrList({
    env: "TURN_ALLOWED_PEER_IPS",
    doc: "CIDRs or addresses peers may use even if denied (wins over denied, as in coturn)",
  }),
  deniedPeerIps: cidrList({
    env: "TURN_DENIED_PEER_IPS",
    doc: "CIDRs or addresses refused in addition to the built-in private/special ranges",
  }),
  maxAllocations: int({
    env: "TURN_MAX_ALLOCATIONS",
    doc: "allocations at once (508 beyond)",
    default: 10000,
    min: 1,
  }),
  userQuota: int({
    env: "TURN_USER_QUOTA",
    doc: "allocations per username (486 beyond)",
    default: 20,
    min: 1,
  }),
  restNoUserQuota: int({
    env: "TURN_REST_NO_USER_QUOTA",
    doc: "allocations shared by all REST usernames without a user part (`<expiry>` only); 0 refuses them (486)",
    default: 0,
    min: 0,
  }),
  relayBytesPerSecond: int({
    env: "TURN_RELAY_BPS",
    doc: "relay capacity: relayed bytes/s of all allocations together, shared fairly among active users (0 = unlimited, no fair sharing)",
    default: 250_000_000,
    min: 0,
  }),
  userBytesPerSecond: int({
    env: "TURN_USER_BPS",
    doc: "fixed cap per user (REST: the user part of <expiry>:<user>), all its allocations together, bytes/s (0 = none)",
    default: 0,
    min: 0,
  }),
  userBurstBytes: int({
    env: "TURN_USER_BURST",
    doc: "bytes a user may relay at once above TURN_USER_BPS (0 = one second of TURN_USER_BPS)",
    default: 0,
    min: 0,
  }),
  bytesPerSecond: int({
    env: "TURN_ALLOCATION_BPS",
    doc: "fixed cap per allocation, relayed bytes/s, both directions together (0 = none)",
    default: 0,
    min: 0,
  }),
  maxLifetime: int({
    env: "TURN_MAX_LIFETIME",
    doc: "longest allocation lifetime, seconds",
    default: 3600,
    min: 60,
  }),
  defaultLifetime: int({
    env: "TURN_DEFAULT_LIFETIME",
    doc: "default allocation lifetime, seconds",
    default: 600,
    min: 60,
  }),
  nonceLifetime: int({
    env: "TURN_NONCE_LIFETIME",
    doc: "seconds a nonce stays valid (438 after)",
    default: 600,
    min: 10,
  }),
  maxPermissions: int({
    env: "TURN_MAX_PERMISSIONS",
    doc: "permissions per allocation",
    default: 256,
    min: 1,
  }),
  maxChannels: int({
    env: "TURN_MAX_CHANNELS",
    doc: "channel bindings per allocation",
    default: 256,
    min: 1,
  }),
  udpIo: oneOf({
    env: "TURN_UDP_IO",
    doc: "UDP I/O of listeners and relays: native = batched recvmmsg/sendmmsg (Linux addon), dgram = node:dgram, auto = native where built",
    default: "auto",
    values: DATAGRAM_BACKEND_CHOICES,
  }),
  maxTcpConnections: int({
    env: "TURN_MAX_TCP_CONNECTIONS",
    doc: "TCP+TLS client connections, all listeners together",
    default: 4096,
    min: 1,
  }),
  maxTcpConnectionsPerIp: int({
    env: "TURN_MAX_TCP_CONNECTIONS_PER_IP",
    doc: "TCP+TLS client connections from one IPv4 address or IPv6 /64",
    default: 64,
    min: 1,
  }),
  tcpFirstRequestTimeout: int({
    env: "TURN_TCP_FIRST_REQUEST_TIMEOUT",
    doc: "seconds a new TCP/TLS connection has to send an authenticated request (TLS: after a handshake bounded by the same time)",
    default: 10,
    min: 1,
    max: 600,
  }),
  unauthenticatedRate: int({
    env: "TURN_UNAUTH_RATE",
    doc: "answers per second per source IP to requests without valid credentials (Binding, 401, 438…); 0 = no limit",
    default: 500,
    min: 0,
  }),
  unauthenticatedBytes: int({
    env: "TURN_UNAUTH_BYTES_RATE",
    doc: "bytes per second per source IP of answers to requests without valid credentials, burst twice that; 0 = no limit",
    default: 16_384,
    min: 0,
  }),
  software: bool({
    env: "TURN_SOFTWARE",
    doc: "send a SOFTWARE attribute in responses to authenticated requests",
    default: true,
  }),
  adminHost: str({
    env: "TURN_ADMIN_HOST",
    doc: "admin (health, stats, metrics) address",
    default: "127.0.0.1",
  }),
  adminPort: port({ env: "TURN_ADMIN_PORT", doc: "admin port", default: 9479 }),
  logLevel: logLevelField,
};

export type TurnConfig = ConfigOf<typeof turnConfigSpec>;

/** The smallest relay capacity that still passes one largest datagram (64 KiB) a second. */
const MIN_RELAY_BPS = 65_536;

const family = (ip: string): 4 | 6 => (isIP(ip) === 6 ? 6 : 4);
const isWildcard = (ip: string): boolean => ip === "0.0.0.0" || ip === "::";

/** Cross-field checks: auth is always on, relay addresses must be concrete and one per family, budgets coherent. */
export function checkTurnConfig(c: TurnConfig): string[] {
  const problems: string[] = [];
  if (c.users.length === 0 && c.secrets.length === 0) {
    problems.push(
      "TURN_USERS or TURN_SECRET: at least one credential source is required (auth is always on)",
    );
  }
  if (c.minPort > c.maxPort) problems.push("TURN_MIN_PORT: must not exceed TURN_MAX_PORT");
  if (c.minPort === 0) problems.push("TURN_MIN_PORT: must be at least 1");
  if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) {
    problems.push("TURN_TLS_CERT and TURN_TLS_KEY: set both or neither");
  }
  if (c.defaultLifetime > c.maxLifetime)
    problems.push("TURN_DEFAULT_LIFETIME: must not exceed TURN_MAX_LIFETIME");
  if (c.relayBytesPerSecond > 0 && c.relayBytesPerSecond < MIN_RELAY_BPS) {
    problems.push(
      `TURN_RELAY_BPS: at least ${MIN_RELAY_BPS} (one largest datagram a second) or 0 for unlimited`,
    );
  }
  if (c.userBurstBytes > 0 && c.userBytesPerSecond === 0) {
    problems.push("TURN_USER_BURST: only applies with TURN_USER_BPS set");
  }
  const relays = relayAddresses(c);
  for (const f of [4, 6] as const) {
    if (c.relayHosts.filter((h) => family(h) === f).length > 1) {
      problems.push(`TURN_RELAY_HOST: at most one IPv${f} address`);
    }
    if (c.externalHosts.filter((h) => family(h) === f).length > 1) {
      problems.push(`TURN_EXTERNAL_HOST: at most one IPv${f} address`);
    }
  }
  if (relays.length === 0) {
    problems.push(
      "TURN_RELAY_HOST or TURN_EXTERNAL_HOST: relays need a concrete address to advertise (TURN_HOST is a wildcard)",
    );
  }
  return problems;
}

export interface RelayAddress {
  readonly family: 4 | 6;
  /** Address relay sockets bind to. */
  readonly bind: string;
  /** Address told to clients in XOR-RELAYED-ADDRESS. */
  readonly advertised: string;
}

/** One relay address per family: bind address from TURN_RELAY_HOST (else TURN_HOST), advertised from TURN_EXTERNAL_HOST. */
export function relayAddresses(c: TurnConfig): RelayAddress[] {
  const out: RelayAddress[] = [];
  for (const f of [4, 6] as const) {
    const bind = c.relayHosts.find((h) => family(h) === f) ?? c.hosts.find((h) => family(h) === f);
    const external = c.externalHosts.find((h) => family(h) === f);
    if (bind === undefined) continue;
    const advertised = external ?? bind;
    if (isWildcard(advertised)) continue;
    out.push({ family: f, bind, advertised });
  }
  return out;
}

/** Loads and validates the configuration (throws one ConfigError listing every problem). */
export function loadTurnConfig(env: Readonly<Record<string, string | undefined>>, file?: string): TurnConfig {
  return loadConfig(turnConfigSpec, {
    env,
    fileEnv: "TURN_CONFIG",
    ...(file === undefined ? {} : { file }),
    check: checkTurnConfig,
  });
}
