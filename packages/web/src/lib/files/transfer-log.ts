// What happened during one file's transfer that its progress snapshot does not keep: which pieces failed their
// hash, which of those were fetched again and verified, which peers were dropped. Pure; fed by the swarm's events.

export interface TransferLog {
  /** Pieces that failed SHA-256 at least once, and whom the bad blocks came from. */
  readonly failed: ReadonlyMap<number, readonly string[]>;
  /** Failed pieces that a later fetch verified. */
  readonly refetched: ReadonlySet<number>;
  /** Peers dropped for this file (bad data), in order. */
  readonly banned: readonly string[];
}

export const emptyLog = (): TransferLog => ({ failed: new Map(), refetched: new Set(), banned: [] });

export function logPieceFailed(log: TransferLog, piece: number, from: readonly string[]): TransferLog {
  const failed = new Map(log.failed);
  failed.set(piece, [...new Set([...(failed.get(piece) ?? []), ...from])]);
  const refetched = new Set(log.refetched);
  refetched.delete(piece);
  return { ...log, failed, refetched };
}

export function logPieceVerified(log: TransferLog, piece: number): TransferLog {
  if (!log.failed.has(piece) || log.refetched.has(piece)) return log;
  return { ...log, refetched: new Set(log.refetched).add(piece) };
}

export function logPeerBanned(log: TransferLog, peerId: string): TransferLog {
  if (log.banned.includes(peerId)) return log;
  return { ...log, banned: [...log.banned, peerId] };
}
