import {
  bool,
  cidrList,
  int,
  list,
  logLevelField,
  oneOf,
  optionalStr,
  port,
  str,
  type ConfigOf,
} from "@switchboard/runtime";

const url = (scheme: RegExp) => (entry: string) => {
  if (!scheme.test(entry)) throw new Error(`expected ${String(scheme)} URLs, got "${entry}"`);
  return entry;
};

/** Every setting of the signaling service (defaults < JSON file from `SIGNALING_CONFIG` < environment). */
export const signalingConfigSpec = {
  host: str({ env: "SIGNALING_HOST", doc: "HTTP/WebSocket bind address", default: "0.0.0.0" }),
  port: port({
    env: "SIGNALING_PORT",
    doc: "HTTP/WebSocket port (/ws, /api, /health, /stats, /metrics)",
    default: 8080,
  }),
  redisUrl: optionalStr({
    env: "REDIS_URL",
    doc: "Redis for shared state across instances (unset: in memory)",
    secret: true,
  }),
  turnSecret: list({
    env: "TURN_SECRET",
    doc: "TURN REST API shared secrets (coturn use-auth-secret), comma-separated: credentials are signed with the first (rotation)",
    secret: true,
  }),
  turnUrls: list({ env: "TURN_URLS", doc: "TURN server URLs given to clients", item: url(/^turns?:/) }),
  stunUrls: list({ env: "STUN_URLS", doc: "STUN server URLs given to clients", item: url(/^stuns?:/) }),
  turnCredentialTtl: int({
    env: "TURN_CREDENTIAL_TTL",
    doc: "TURN credential lifetime, s",
    default: 86_400,
    min: 60,
  }),
  jwtSecret: optionalStr({ env: "JWT_SECRET", doc: "HS256 secret for client tokens", secret: true }),
  jwtPublicKey: optionalStr({
    env: "JWT_PUBLIC_KEY",
    doc: "PEM (SPKI) public key for ES256/RS256 client tokens",
  }),
  jwtAudience: list({
    env: "JWT_AUDIENCE",
    doc: "accepted token `aud` values, comma-separated (a token must name one)",
    default: ["switchboard-signaling"],
  }),
  jwtIssuer: list({
    env: "JWT_ISSUER",
    doc: "accepted token `iss` values, comma-separated (a token must carry one)",
    default: ["switchboard"],
  }),
  allowAnonymous: bool({ env: "ALLOW_ANONYMOUS", doc: "accept clients without a token", default: true }),
  meetingTtl: int({
    env: "MEETING_TTL",
    doc: "meeting lifetime after creation, s",
    default: 86_400,
    min: 60,
  }),
  maxParticipants: int({
    env: "MAX_PARTICIPANTS",
    doc: "default and upper bound of participants per meeting",
    default: 100,
    min: 2,
    max: 10_000,
  }),
  meetingCreateLimit: int({
    env: "SIGNALING_MEETING_CREATE_LIMIT",
    doc: "meetings one client address (or one token user) may create per minute",
    default: 10,
    min: 1,
  }),
  trustedProxies: cidrList({
    env: "SIGNALING_TRUSTED_PROXIES",
    doc: "proxies (addresses or subnets) whose X-Forwarded-For gives the client address (rate limits)",
  }),
  corsOrigins: list({ env: "CORS_ORIGINS", doc: "origins allowed to call /api (empty: none; * for any)" }),
  maxFrameBytes: int({
    env: "SIGNALING_MAX_FRAME_BYTES",
    doc: "largest accepted WebSocket message",
    default: 65_536,
    min: 1024,
    max: 1_048_576,
  }),
  rateLimitPerSecond: int({
    env: "SIGNALING_RATE_LIMIT",
    doc: "messages per second per connection (sustained)",
    default: 50,
    min: 1,
  }),
  rateLimitBurst: int({
    env: "SIGNALING_RATE_BURST",
    doc: "messages per connection in a burst",
    default: 200,
    min: 1,
  }),
  maxRoomsPerConnection: int({
    env: "SIGNALING_MAX_ROOMS",
    doc: "rooms one connection may be in",
    default: 4,
    min: 1,
    max: 64,
  }),
  idleTimeoutMs: int({
    env: "SIGNALING_IDLE_TIMEOUT_MS",
    doc: "close connections silent this long (pings keep them alive)",
    default: 60_000,
    min: 1000,
  }),
  helloTimeoutMs: int({
    env: "SIGNALING_HELLO_TIMEOUT_MS",
    doc: "close connections that send no hello this long",
    default: 10_000,
    min: 100,
  }),
  resumeGraceMs: int({
    env: "SIGNALING_RESUME_GRACE_MS",
    doc: "how long a cut-off session can be resumed",
    default: 30_000,
    min: 0,
  }),
  resumeBufferSize: int({
    env: "SIGNALING_RESUME_BUFFER",
    doc: "messages kept for a cut-off session",
    default: 256,
    min: 1,
  }),
  chatHistorySize: int({
    env: "SIGNALING_CHAT_HISTORY",
    doc: "chat messages kept per room for late joiners",
    default: 50,
    min: 0,
    max: 1000,
  }),
  autoCreateRooms: bool({
    env: "SIGNALING_AUTO_CREATE_ROOMS",
    doc: "join creates unknown rooms (first joiner is host)",
    default: false,
  }),
  presenceTtlMs: int({
    env: "SIGNALING_PRESENCE_TTL_MS",
    doc: "Redis presence lifetime; heartbeats every third of it",
    default: 15_000,
    min: 1000,
  }),
  apiDocs: oneOf({
    env: "SIGNALING_API_DOCS",
    doc: "serve the OpenAPI document (/api/openapi.json) and its page (/api/docs): on, off, or auto (on unless NODE_ENV=production)",
    values: ["auto", "on", "off"],
    default: "auto",
  }),
  nodeEnv: str({
    env: "NODE_ENV",
    doc: "deployment environment; `production` turns the API docs off by default",
    default: "",
  }),
  logLevel: logLevelField,
};

export type SignalingConfig = ConfigOf<typeof signalingConfigSpec>;

/** Whether `/api/openapi.json` and `/api/docs` are served (`SIGNALING_API_DOCS`, else off in production). */
export function apiDocsEnabled(c: Pick<SignalingConfig, "apiDocs" | "nodeEnv">): boolean {
  return c.apiDocs === "auto" ? c.nodeEnv !== "production" : c.apiDocs === "on";
}

/** Cross-field checks. */
export function checkSignalingConfig(c: SignalingConfig): string[] {
  const problems: string[] = [];
  if (c.turnUrls.length > 0 && c.turnSecret.length === 0) problems.push("TURN_URLS needs TURN_SECRET");
  if (c.jwtSecret && c.jwtPublicKey) problems.push("set JWT_SECRET or JWT_PUBLIC_KEY, not both");
  if (!c.allowAnonymous && !c.jwtSecret && !c.jwtPublicKey)
    problems.push("ALLOW_ANONYMOUS=false needs JWT_SECRET or JWT_PUBLIC_KEY");
  if (c.rateLimitBurst < c.rateLimitPerSecond)
    problems.push("SIGNALING_RATE_BURST must be >= SIGNALING_RATE_LIMIT");
  return problems;
}
