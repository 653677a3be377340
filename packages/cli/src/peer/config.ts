import { ConfigError, firstSet, parseBool, parseCommandArgs, splitList } from "../args.js";

/** Everything `switchboard peer` runs with, resolved once from flags (first) and the environment. */
export interface PeerConfig {
  readonly meetingCode: string;
  readonly signalingUrl: string;
  /** Display name; the server's peer id is used when unset. */
  readonly nodeId: string | undefined;
  readonly stunServers: readonly string[];
  readonly token: string | undefined;
  /** Force TURN (`iceTransportPolicy: "relay"`). */
  readonly relay: boolean;
  readonly json: boolean;
  readonly debug: boolean;
  /** How peers are found: the signaling service (default), WebSocket trackers or the mainline DHT. */
  readonly discovery: "signaling" | "tracker" | "dht";
  /** ws:// or wss:// tracker announce URLs (discovery tracker). */
  readonly trackerUrls: readonly string[];
  /** DHT bootstrap nodes as HOST:PORT (discovery dht; empty: the public mainline routers). */
  readonly dhtBootstrap: readonly string[];
}

export const DEFAULT_SIGNALING_URL = "ws://127.0.0.1:8080/ws";

export const PEER_USAGE = `usage: switchboard peer [options]

Joins a meeting and stays: prints the peers found, the connections made (with the method that won: host, srflx,
prflx or relay) and the messages received; each line typed on stdin is sent to every connected peer.
Ctrl-C (or SIGTERM) leaves the meeting and exits 0.

options (each also read from the environment variable named; a flag wins):
  -m, --meeting <code>      MEETING_CODE    meeting to join (required; 3-64 of A-Z a-z 0-9 _ -)
  -s, --signaling-url <url> SIGNALING_URL   signaling WebSocket (default ${DEFAULT_SIGNALING_URL})
  -n, --node-id <name>      NODE_ID         the name other peers see (default: the id signaling assigns)
      --stun <urls>         STUN_SERVERS    extra STUN servers, comma-separated (stun:host:port or host:port),
                                            added to those signaling hands out
      --token <jwt>         SWITCHBOARD_TOKEN  token for signaling, when it requires one
      --relay               PEER_RELAY=true    connect through TURN only (checks a TURN setup)
      --discovery <how>     DISCOVERY       how peers are found: signaling (default), tracker or dht
      --tracker <url>       TRACKER_URLS    WebSocket tracker (ws://host:port/announce) for --discovery tracker;
                                            repeat the flag or comma-separate the variable for several
      --dht-bootstrap <h:p> DHT_BOOTSTRAP   DHT bootstrap node for --discovery dht (repeatable / comma-separated;
                                            default: the public mainline DHT routers)
      --json                PEER_JSON=true     one JSON object per line per event: {"event": "<name>", ...}
      --debug               DEBUG=true         more detail on stderr (signaling state, connection stats)
  -h, --help                this text

Without signaling (--discovery tracker|dht) peers meet under a hash of the meeting code; chat goes over the data
channels only (no history), and there is no lobby, no host controls and no TURN from signaling (pass --stun).

exit codes: 0 stopped cleanly, 1 failed (the reason on one line), 2 bad configuration
`;

const MEETING_CODE = /^[A-Za-z0-9_-]{3,64}$/;
const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/** `stun:host[:port]`, `stuns:…` or a bare `host[:port]` (as the P2P node's STUN_SERVERS took them) → a STUN URL. */
export function normaliseStunServer(entry: string): string {
  const m = /^(stuns?):(.*)$/i.exec(entry);
  const scheme = m?.[1]?.toLowerCase() ?? "stun";
  const rest = m ? (m[2] ?? "") : entry;
  const hp = HOST_PORT.exec(rest);
  const port = hp?.[1] === undefined ? undefined : Number(hp[1]);
  if (!hp || (port !== undefined && (port < 1 || port > 65535)))
    throw new ConfigError(`STUN_SERVERS: "${entry}" is not a STUN server (stun:host:port or host:port)`);
  return `${scheme}:${rest}`;
}

/** Pure: flags and environment → a checked configuration, or a ConfigError saying what to fix. */
export function resolvePeerConfig(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): PeerConfig | "help" {
  const { values } = parseCommandArgs("peer", args, {
    meeting: { type: "string", short: "m" },
    "signaling-url": { type: "string", short: "s" },
    "node-id": { type: "string", short: "n" },
    stun: { type: "string" },
    token: { type: "string" },
    relay: { type: "boolean" },
    json: { type: "boolean" },
    debug: { type: "boolean" },
    discovery: { type: "string" },
    tracker: { type: "string", multiple: true },
    "dht-bootstrap": { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  });
  if (values.help === true) return "help";

  const meetingCode = firstSet(values.meeting, env.MEETING_CODE)?.trim();
  if (meetingCode === undefined)
    throw new ConfigError("MEETING_CODE is required: set it or pass --meeting <code>");
  if (!MEETING_CODE.test(meetingCode))
    throw new ConfigError(
      `MEETING_CODE: "${meetingCode}" is not a meeting code (3-64 characters: letters, digits, _ and -)`,
    );

  const signalingUrl = firstSet(values["signaling-url"], env.SIGNALING_URL)?.trim() ?? DEFAULT_SIGNALING_URL;
  let parsed: URL;
  try {
    parsed = new URL(signalingUrl);
  } catch {
    throw new ConfigError(`SIGNALING_URL: "${signalingUrl}" is not a URL (e.g. ${DEFAULT_SIGNALING_URL})`);
  }
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:")
    throw new ConfigError(`SIGNALING_URL: expected a ws:// or wss:// URL, got "${signalingUrl}"`);

  const nodeId = firstSet(values["node-id"], env.NODE_ID)?.trim();
  if (nodeId !== undefined && (nodeId.length > 64 || /\p{Cc}/u.test(nodeId)))
    throw new ConfigError("NODE_ID: at most 64 characters, no control characters");

  const stunServers = splitList(firstSet(values.stun, env.STUN_SERVERS)).map(normaliseStunServer);

  const discovery = (firstSet(values.discovery, env.DISCOVERY)?.trim() ?? "signaling").toLowerCase();
  if (discovery !== "signaling" && discovery !== "tracker" && discovery !== "dht")
    throw new ConfigError(`DISCOVERY: expected signaling, tracker or dht, got "${discovery}"`);
  const trackerUrls = (values.tracker?.length ? values.tracker : splitList(env.TRACKER_URLS)).map(
    checkTracker,
  );
  if (discovery === "tracker" && trackerUrls.length === 0)
    throw new ConfigError(
      "TRACKER_URLS is required with --discovery tracker: set it or pass --tracker ws://host:port/announce",
    );
  const dhtBootstrap = (
    values["dht-bootstrap"]?.length ? values["dht-bootstrap"] : splitList(env.DHT_BOOTSTRAP)
  ).map(checkBootstrap);

  return Object.freeze({
    meetingCode,
    signalingUrl,
    nodeId: nodeId === "" ? undefined : nodeId,
    stunServers: Object.freeze(stunServers),
    token: firstSet(values.token, env.SWITCHBOARD_TOKEN),
    relay: values.relay ?? parseBool("PEER_RELAY", env.PEER_RELAY) ?? false,
    json: values.json ?? parseBool("PEER_JSON", env.PEER_JSON) ?? false,
    debug: values.debug ?? parseBool("DEBUG", debugFlag(env.DEBUG)) ?? false,
    discovery,
    trackerUrls: Object.freeze(trackerUrls),
    dhtBootstrap: Object.freeze(dhtBootstrap),
  });
}

function checkTracker(url: string): string {
  const u = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    throw new ConfigError(`TRACKER_URLS: "${u}" is not a URL (e.g. ws://127.0.0.1:8000/announce)`);
  }
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:")
    throw new ConfigError(
      `TRACKER_URLS: "${u}" is not ws:// or wss:// (only WebSocket trackers relay offers)`,
    );
  return u;
}

function checkBootstrap(entry: string): string {
  const e = entry.trim();
  const hp = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(e);
  const port = Number(hp?.[1]);
  if (!hp || port < 1 || port > 65535)
    throw new ConfigError(`DHT_BOOTSTRAP: "${e}" is not HOST:PORT (e.g. 127.0.0.1:6881)`);
  return e;
}

/** DEBUG=true as the P2P node took it; a `debug`-module pattern (DEBUG=p2p:*) also turns it on. */
function debugFlag(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return /[:*]/.test(raw) ? "true" : raw;
}
