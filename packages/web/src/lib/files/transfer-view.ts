// One file's transfer as the Files view shows it, derived from the swarm's progress snapshot, the transfer log and
// the names of the peers in the meeting. Pure: the view only renders what this returns.
import type { FileProgress, PeerProgress } from "@switchboard/files";
import { formatBytes, formatEta, formatRate, percent } from "./format";
import type { TransferLog } from "./transfer-log";

export type TransferRole = "sharing" | "downloading";
export type Tone = "info" | "ok" | "warn" | "bad";

/** One peer's part in the transfer: what it holds and what it gave (or took). */
export interface SourceRow {
  readonly peerId: string;
  readonly name: string;
  /** "all 800 pieces", "412 of 800 pieces", "not known yet". */
  readonly holds: string;
  readonly holdsAll: boolean;
  readonly piecesGiven: number;
  readonly received: string;
  readonly sent: string;
  readonly rate: string;
  readonly badPieces: number;
  readonly banned: boolean;
  /** "sending", "idle", "dropped: sent bad data", "receiving". */
  readonly status: string;
}

export interface TransferView {
  readonly root: string;
  readonly role: TransferRole;
  readonly name: string;
  readonly size: string;
  readonly state: FileProgress["state"];
  readonly complete: boolean;
  readonly percent: number;
  /** "12.0 MiB of 50.0 MiB". */
  readonly amount: string;
  readonly rate: string;
  readonly eta: string;
  readonly verification: { readonly text: string; readonly tone: Tone };
  /** Set once a piece failed its hash: what was detected and what became of it. */
  readonly badNotice: string | null;
  readonly sources: readonly SourceRow[];
  /** Peers actually sending blocks of this file now or before (the "both sources" of a download). */
  readonly activeSources: number;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function holds(p: PeerProgress, count: number | null): { text: string; all: boolean } {
  if (p.piecesHeld === null || count === null) return { text: "not known yet", all: false };
  if (p.piecesHeld >= count) return { text: `all ${plural(count, "piece")}`, all: true };
  return { text: `${p.piecesHeld} of ${plural(count, "piece")}`, all: false };
}

function sourceRow(p: PeerProgress, count: number | null, role: TransferRole, name: string): SourceRow {
  const h = holds(p, count);
  const rate = role === "downloading" ? p.downloadRate : p.uploadRate;
  let status: string;
  if (p.banned) status = "dropped: sent bad data";
  else if (role === "downloading") status = p.downloadRate > 0 || p.inFlight > 0 ? "sending" : "idle";
  else status = p.uploadRate > 0 ? "receiving" : "idle";
  return {
    peerId: p.peerId,
    name,
    holds: h.text,
    holdsAll: h.all,
    piecesGiven: p.piecesContributed,
    received: formatBytes(p.bytesReceived),
    sent: formatBytes(p.bytesSent),
    rate: formatRate(rate),
    badPieces: p.badPieces,
    banned: p.banned,
    status,
  };
}

function verification(p: FileProgress, role: TransferRole, log: TransferLog): TransferView["verification"] {
  const count = p.pieceCount ?? 0;
  if (p.state === "fetching-manifest") return { text: "asking peers for the file's manifest", tone: "info" };
  if (role === "sharing") return { text: `hashed here: ${plural(count, "piece")} (SHA-256)`, tone: "ok" };
  if (p.complete) {
    const fixed = log.failed.size > 0 ? `; ${plural(log.failed.size, "bad piece")} replaced` : "";
    return { text: `verified: all ${plural(count, "piece")} match their SHA-256${fixed}`, tone: "ok" };
  }
  if (log.failed.size > log.refetched.size)
    return { text: `${p.piecesVerified} of ${count} pieces verified; refetching bad pieces`, tone: "warn" };
  return { text: `${p.piecesVerified} of ${count} pieces verified (SHA-256)`, tone: "info" };
}

function badNotice(log: TransferLog, nameOf: (id: string) => string): string | null {
  if (log.failed.size === 0) return null;
  const culprits = [...new Set([...log.failed.values()].flat())].map(nameOf);
  const parts = [
    `${plural(log.failed.size, "bad piece")} detected (hash mismatch) from ${culprits.join(", ")}`,
    `${log.refetched.size} refetched and verified`,
  ];
  if (log.banned.length > 0) parts.push(`dropped ${log.banned.map(nameOf).join(", ")}`);
  return parts.join("; ");
}

/** The view of one transfer. `nameOf` turns a peer id into the name people see. */
export function transferView(
  p: FileProgress,
  role: TransferRole,
  log: TransferLog,
  nameOf: (peerId: string) => string,
): TransferView {
  const size = p.size;
  const done = role === "sharing" ? (size ?? 0) : p.bytesVerified;
  const sources = p.peers.map((peer) => sourceRow(peer, p.pieceCount, role, nameOf(peer.peerId)));
  return {
    root: p.root,
    role,
    name: p.name ?? "(name not known yet)",
    size: size === null ? "size not known yet" : formatBytes(size),
    state: p.state,
    complete: p.complete,
    percent: role === "sharing" ? 100 : percent(done, size),
    amount: size === null ? "—" : `${formatBytes(done)} of ${formatBytes(size)}`,
    rate: formatRate(role === "downloading" ? p.downloadRate : p.uploadRate),
    eta: role === "downloading" && !p.complete ? formatEta(p.etaSeconds) : "—",
    verification: verification(p, role, log),
    badNotice: badNotice(log, nameOf),
    sources,
    activeSources: p.peers.filter((x) => x.bytesReceived > 0).length,
  };
}
