import { DATAGRAM_BACKEND_CHOICES } from "@switchboard/datagram";
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

/** Which in-memory swarm store runs (see state/memory-store.ts). */
export const MEMORY_STORE_CHOICES = ["auto", "native", "js"] as const;
export type MemoryStoreChoice = (typeof MEMORY_STORE_CHOICES)[number];

/** Every setting of the tracker (defaults < `TRACKER_CONFIG` JSON file < environment). */
export const trackerConfigSpec = {
  host: str({
    env: "TRACKER_HOST",
    doc: "address to listen on (`::` for dual-stack IPv4+IPv6)",
    default: "0.0.0.0",
  }),
  port: port({
    env: "TRACKER_PORT",
    doc: "HTTP + WebSocket port (also /health, /stats, /metrics)",
    default: 8000,
  }),
  udp: bool({ env: "TRACKER_UDP", doc: "serve the UDP tracker protocol (BEP 15)", default: true }),
  udpPort: port({ env: "TRACKER_UDP_PORT", doc: "UDP port", default: 8000 }),
  udpIo: oneOf({
    env: "TRACKER_UDP_IO",
    doc: "UDP I/O: native = batched recvmmsg/sendmmsg (Linux addon), dgram = node:dgram, auto = native where built",
    default: "auto",
    values: DATAGRAM_BACKEND_CHOICES,
  }),
  udpBufferBytes: int({
    env: "TRACKER_UDP_BUFFER_BYTES",
    doc: "receive and send buffer asked of the OS for the UDP socket (capped by net.core.rmem_max/wmem_max); 0 = OS default",
    default: 4 << 20,
    min: 0,
  }),
  udpSecret: optionalStr({
    env: "TRACKER_UDP_SECRET",
    doc: "secret of UDP connection ids (give all instances behind one UDP balancer the same; random if unset)",
    secret: true,
  }),
  interval: int({
    env: "TRACKER_INTERVAL",
    doc: "seconds between announces asked of clients",
    default: 1200,
    min: 10,
  }),
  minInterval: int({
    env: "TRACKER_MIN_INTERVAL",
    doc: "`min interval` sent to clients, seconds",
    default: 60,
    min: 1,
  }),
  peerTtl: int({
    env: "TRACKER_PEER_TTL",
    doc: "seconds a silent peer stays listed",
    default: 2700,
    min: 10,
  }),
  numwantDefault: int({
    env: "TRACKER_NUMWANT_DEFAULT",
    doc: "peers returned when numwant is absent",
    default: 50,
    min: 0,
    max: 1000,
  }),
  numwantMax: int({
    env: "TRACKER_NUMWANT_MAX",
    doc: "most peers returned by one announce",
    default: 200,
    min: 1,
    max: 1000,
  }),
  allowlist: optionalStr({
    env: "TRACKER_ALLOWLIST",
    doc: "file of hex info-hashes: serve only these (reloaded on SIGHUP)",
  }),
  denylist: optionalStr({
    env: "TRACKER_DENYLIST",
    doc: "file of hex info-hashes: never serve these (reloaded on SIGHUP)",
  }),
  passkeys: list({
    env: "TRACKER_PASSKEYS",
    doc: "private tracker passkeys (`/<passkey>/announce`)",
    secret: true,
    item: (key) => {
      if (!/^[A-Za-z0-9_-]{8,64}$/.test(key))
        throw new Error("passkeys are 8 to 64 characters of A-Z a-z 0-9 _ -");
      return key;
    },
  }),
  passkeysFile: optionalStr({
    env: "TRACKER_PASSKEYS_FILE",
    doc: "file of passkeys, one a line (reloaded on SIGHUP)",
  }),
  rateLimit: int({
    env: "TRACKER_RATE_LIMIT",
    doc: "announces per second per address (0 = unlimited)",
    default: 20,
    min: 0,
  }),
  rateBurst: int({ env: "TRACKER_RATE_BURST", doc: "announce burst per address", default: 100, min: 1 }),
  rateLimitAddresses: int({
    env: "TRACKER_RATE_LIMIT_ADDRESSES",
    doc: "addresses tracked by the limiter",
    default: 100_000,
    min: 1,
    max: 16_777_216,
  }),
  scrapeMax: int({
    env: "TRACKER_SCRAPE_MAX",
    doc: "most info-hashes in one scrape",
    default: 100,
    min: 1,
    max: 10_000,
  }),
  scrapeAll: bool({
    env: "TRACKER_SCRAPE_ALL",
    doc: "a scrape without info_hash lists torrents (up to the cap)",
    default: false,
  }),
  wsMaxOffers: int({
    env: "TRACKER_WS_MAX_OFFERS",
    doc: "WebRTC offers relayed per WebSocket announce",
    default: 10,
    min: 0,
    max: 100,
  }),
  wsMaxPayload: int({
    env: "TRACKER_WS_MAX_PAYLOAD",
    doc: "largest WebSocket frame, bytes",
    default: 65_536,
    min: 1024,
  }),
  sweepInterval: int({
    env: "TRACKER_SWEEP_INTERVAL",
    doc: "seconds between sweeps of expired peers",
    default: 60,
    min: 1,
  }),
  trustedProxies: cidrList({
    env: "TRACKER_TRUSTED_PROXIES",
    doc: "proxies (addresses or subnets) whose X-Forwarded-For gives the peer address on HTTP/WebSocket",
  }),
  redisUrl: optionalStr({
    env: "REDIS_URL",
    doc: "keep swarms in Redis (shared by several instances)",
    secret: true,
  }),
  memoryStore: oneOf({
    env: "TRACKER_MEMORY_STORE",
    doc: "in-memory swarm store (without REDIS_URL): native = the C store (the tracker addon), js = the TypeScript one, auto = native where built",
    default: "auto",
    values: MEMORY_STORE_CHOICES,
  }),
  redisPrefix: str({
    env: "TRACKER_REDIS_PREFIX",
    doc: "prefix of the tracker's Redis keys",
    default: "tracker:",
  }),
  logLevel: logLevelField,
} as const;

export type TrackerConfig = ConfigOf<typeof trackerConfigSpec>;

/** Loads and validates the configuration once; throws a ConfigError listing every problem. */
export function loadTrackerConfig(
  env: Readonly<Record<string, string | undefined>>,
  file?: string,
): TrackerConfig {
  return loadConfig(trackerConfigSpec, {
    env,
    file,
    fileEnv: "TRACKER_CONFIG",
    check: (c) => [
      ...(c.allowlist !== undefined && c.denylist !== undefined
        ? ["TRACKER_ALLOWLIST and TRACKER_DENYLIST: set one or the other, not both"]
        : []),
      ...(c.peerTtl <= c.interval ? ["TRACKER_PEER_TTL: must be longer than TRACKER_INTERVAL"] : []),
      ...(c.minInterval > c.interval ? ["TRACKER_MIN_INTERVAL: must not exceed TRACKER_INTERVAL"] : []),
      ...(c.numwantDefault > c.numwantMax
        ? ["TRACKER_NUMWANT_DEFAULT: must not exceed TRACKER_NUMWANT_MAX"]
        : []),
    ],
  });
}

/** Settings for tests and embedding: defaults with a few overrides, no environment. */
export function trackerConfigFrom(overrides: Partial<Record<keyof TrackerConfig, unknown>>): TrackerConfig {
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(trackerConfigSpec))
    out[key] = key in overrides ? overrides[key as keyof TrackerConfig] : f.default;
  return Object.freeze(out) as TrackerConfig;
}
