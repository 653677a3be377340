import type { ConnectionMethod } from "@switchboard/protocol";

/** A gathered local candidate, parsed from its `candidate:` line. */
export interface GatheredCandidate {
  readonly address: string;
  readonly port: number;
  readonly type: ConnectionMethod;
}

const TYPES = new Set<string>(["host", "srflx", "prflx", "relay"]);

/** Parses `candidate:… <addr> <port> typ <type> …` (RFC 8839 §5.1), or undefined. */
export function parseCandidate(line: string): GatheredCandidate | undefined {
  const f = line.replace(/^a=/, "").trim().split(/\s+/);
  const typIdx = f.indexOf("typ");
  if (typIdx < 0 || f.length < 8) return undefined;
  const type = f[typIdx + 1] ?? "";
  const port = Number(f[5]);
  if (!TYPES.has(type) || !Number.isInteger(port)) return undefined;
  return { address: f[4] ?? "", port, type: type as ConnectionMethod };
}

export interface SelectedPair {
  readonly localType: string | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  readonly remoteType: string | undefined;
  /** Seconds (browsers) or ms (node-datachannel): see `rttMs`. */
  readonly rttMs: number | undefined;
  readonly bytesSent: number;
  readonly bytesReceived: number;
}

type Stat = Record<string, unknown> & { id: string; type: string };

/** The selected candidate pair of a `getStats()` report, with its local and remote candidates. */
export function selectedPair(report: Iterable<Stat>): SelectedPair | undefined {
  const byId = new Map<string, Stat>();
  for (const s of report) byId.set(s.id, s);
  let pair: Stat | undefined;
  for (const s of byId.values()) {
    if (s.type === "transport" && typeof s.selectedCandidatePairId === "string")
      pair = byId.get(s.selectedCandidatePairId) ?? pair;
  }
  pair ??= [...byId.values()].find(
    (s) =>
      s.type === "candidate-pair" &&
      (s.selected === true || (s.nominated === true && s.state === "succeeded")),
  );
  if (!pair) return undefined;
  const local = byId.get(String(pair.localCandidateId));
  const remote = byId.get(String(pair.remoteCandidateId));
  const rtt = typeof pair.currentRoundTripTime === "number" ? pair.currentRoundTripTime : undefined;
  // Browsers report seconds and count STUN responses; node-datachannel reports its SCTP RTT in ms.
  const rttMs = rtt === undefined ? undefined : "responsesReceived" in pair ? rtt * 1000 : rtt;
  const address = local?.address ?? local?.ip;
  return {
    localType: typeof local?.candidateType === "string" ? local.candidateType : undefined,
    localAddress: typeof address === "string" ? address : undefined,
    localPort: typeof local?.port === "number" ? local.port : undefined,
    remoteType: typeof remote?.candidateType === "string" ? remote.candidateType : undefined,
    rttMs,
    bytesSent: typeof pair.bytesSent === "number" ? pair.bytesSent : 0,
    bytesReceived: typeof pair.bytesReceived === "number" ? pair.bytesReceived : 0,
  };
}

/** A candidate as `RTCIceTransport.getSelectedCandidatePair()` gives it (the fields read here). */
interface PairEnd {
  readonly type?: string | null;
  readonly address?: string | null;
  readonly port?: number | null;
}

/**
 * The selected pair from `RTCIceTransport.getSelectedCandidatePair()` (browsers; synchronous, unlike
 * `getStats()`), without RTT or byte counts; undefined without a local candidate.
 */
export function pairFromTransport(
  p: { readonly local?: PairEnd | null; readonly remote?: PairEnd | null } | null | undefined,
): SelectedPair | undefined {
  if (!p?.local) return undefined;
  return {
    localType: p.local.type ?? undefined,
    localAddress: p.local.address ?? undefined,
    localPort: p.local.port ?? undefined,
    remoteType: p.remote?.type ?? undefined,
    rttMs: undefined,
    bytesSent: 0,
    bytesReceived: 0,
  };
}

/**
 * The connection method: the selected pair's local candidate type, confirmed against the candidates this side
 * gathered (node-datachannel labels relayed pairs `srflx`/`prflx`: the gathered candidate with the same address
 * and port knows better; when only relay candidates were gathered, it is `relay`).
 */
export function detectMethod(
  pair: SelectedPair | undefined,
  gathered: readonly GatheredCandidate[],
): ConnectionMethod {
  const match = gathered.find((c) => c.address === pair?.localAddress && c.port === pair?.localPort);
  if (match) return match.type;
  if (gathered.length > 0 && gathered.every((c) => c.type === "relay")) return "relay";
  const t = pair?.localType;
  return t && TYPES.has(t) ? (t as ConnectionMethod) : "host";
}
