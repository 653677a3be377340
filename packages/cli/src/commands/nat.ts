/**
 * `switchboard nat [--stun HOST:PORT …] [--peer TYPE] [--json]`: this host's NAT behaviour (RFC 5780) and what to
 * expect when connecting. Servers: every --stun, else STUN_SERVERS (comma-separated), else 127.0.0.1:3478.
 *
 * Exit codes: 0 when the probe ran — whatever it found, UDP blocked included (that is a result); 2 for bad
 * configuration (an unknown option, a malformed server address, an unknown --peer type); 1 when the probe could
 * not run (a server name that does not resolve, no UDP socket).
 */
import { parseArgs } from "node:util";
import {
  formatEndpoint,
  getNATInfo,
  getRecommendedStrategy,
  NAT_TYPES,
  natProfile,
  parseStunServerList,
  type NATInfo,
  type NatType,
  type StrategyAdvice,
} from "@switchboard/client/node";
import { EXIT, type Command } from "../command.js";

const DEFAULT_SERVERS = "127.0.0.1:3478";
const PEER_TYPES = NAT_TYPES.filter((t) => t !== "unknown");

const HELP = `usage: switchboard nat [--stun HOST:PORT …] [--peer TYPE] [--json]

Finds this host's NAT behaviour through STUN (RFC 5780: mapping, filtering, hairpinning) and says whether
peers are expected to connect directly, by hole punching, or through TURN.

  --stun HOST:PORT   a STUN server (repeatable; also stun:HOST[:PORT]); default: $STUN_SERVERS, else ${DEFAULT_SERVERS}
  --peer TYPE        also judge a connection to a peer behind TYPE (${PEER_TYPES.join(", ")})
  --rto MS           first retransmission timeout of each STUN request (default 250; doubled per retry,
                     4 requests, no answer after 11 × MS) — raise it on slow links
  --json             one JSON object on stdout
  -h, --help         this text

exit: 0 probe ran (UDP blocked is a result, not a failure), 2 bad configuration, 1 probe could not run
`;

interface Parsed {
  readonly servers: string;
  readonly json: boolean;
  readonly peer?: NatType;
  readonly rtoMs?: number;
  readonly help: boolean;
}

function parse(args: readonly string[], env: NodeJS.ProcessEnv): Parsed | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        stun: { type: "string", multiple: true },
        peer: { type: "string" },
        rto: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return (err as Error).message;
  }
  const peer = values.peer;
  if (peer !== undefined && !(PEER_TYPES as readonly string[]).includes(peer)) {
    return `--peer must be one of ${PEER_TYPES.join(", ")}`;
  }
  const rto = values.rto === undefined ? undefined : Number(values.rto);
  if (rto !== undefined && (!/^\d+$/.test(values.rto ?? "") || rto < 10 || rto > 10_000)) {
    return "--rto must be a whole number of milliseconds from 10 to 10000";
  }
  const fromEnv = env["STUN_SERVERS"]?.trim();
  const servers = values.stun?.join(",") ?? (fromEnv ? fromEnv : DEFAULT_SERVERS);
  return {
    servers,
    json: values.json,
    help: values.help,
    ...(peer !== undefined && { peer: peer as NatType }),
    ...(rto !== undefined && { rtoMs: rto }),
  };
}

export const run: Command = async (args, io) => {
  const parsed = parse(args, io.env);
  if (typeof parsed === "string") {
    io.stderr.write(`switchboard nat: ${parsed}\n\n${HELP}`);
    return EXIT.badConfig;
  }
  if (parsed.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  let servers;
  try {
    servers = parseStunServerList(parsed.servers);
  } catch (err) {
    io.stderr.write(`switchboard nat: ${(err as Error).message}\n`);
    return EXIT.badConfig;
  }
  if (servers.length === 0) {
    io.stderr.write("switchboard nat: no STUN server (--stun or STUN_SERVERS)\n");
    return EXIT.badConfig;
  }
  let info: NATInfo;
  try {
    info = await getNATInfo({
      servers,
      ...(parsed.rtoMs !== undefined && { retransmit: { rtoMs: parsed.rtoMs } }),
    });
  } catch (err) {
    io.stderr.write(`switchboard nat: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
  const strategy = getRecommendedStrategy(info);
  const peers = PEER_TYPES.map((t) => ({ peer: t, ...getRecommendedStrategy(info, natProfile(t)) }));
  const withPeer = parsed.peer && getRecommendedStrategy(info, natProfile(parsed.peer));
  if (parsed.json) {
    io.stdout.write(
      `${JSON.stringify({ ...info, strategy, ...(withPeer && { peer: { type: parsed.peer, ...withPeer } }), peers })}\n`,
    );
  } else {
    io.stdout.write(human(info, strategy, peers, parsed.peer, withPeer));
  }
  return EXIT.ok;
};

const NAMES: Record<NatType, string> = {
  open: "open (no NAT)",
  "full-cone": "full cone",
  "restricted-cone": "restricted cone",
  "port-restricted-cone": "port-restricted cone",
  symmetric: "symmetric",
  "udp-blocked": "UDP blocked",
  unknown: "unknown",
};

const STRATEGY: Record<string, string> = { direct: "direct", "hole-punching": "hole punching", turn: "TURN" };

function human(
  info: NATInfo,
  strategy: StrategyAdvice,
  peers: ReadonlyArray<{ peer: NatType } & StrategyAdvice>,
  peer: NatType | undefined,
  withPeer: StrategyAdvice | undefined,
): string {
  const lines: string[] = [];
  const row = (k: string, v: string): number => lines.push(`${k.padEnd(16)}${v}`);
  row("NAT type", NAMES[info.natType]);
  if (info.publicAddress) row("public address", formatEndpoint(info.publicAddress));
  if (info.localAddress) row("local port", String(info.localAddress.port));
  row("mapping", info.mapping);
  row("filtering", info.filtering);
  row("hairpinning", info.hairpinning === undefined ? "not tested" : info.hairpinning ? "yes" : "no");
  row(
    "server",
    `${info.server ?? "none answered"}${info.rfc5780 ? " (RFC 5780)" : info.server ? " (no RFC 5780)" : ""}`,
  );
  row("strategy", `${STRATEGY[strategy.strategy]} — ${strategy.reason}`);
  if (peer && withPeer) {
    row(`with ${peer}`, `${STRATEGY[withPeer.strategy]} — ${withPeer.reason}`);
  }
  lines.push("", "with a peer behind:");
  for (const p of peers) {
    const direct = p.directExpected === undefined ? "cannot tell" : p.directExpected ? "direct" : "relay";
    lines.push(`  ${NAMES[p.peer].padEnd(22)}${direct.padEnd(13)}(${STRATEGY[p.strategy]})`);
  }
  if (info.undetermined.length > 0) {
    lines.push("", "could not tell:");
    for (const u of info.undetermined) lines.push(`  - ${u}`);
  }
  return `${lines.join("\n")}\n`;
}
