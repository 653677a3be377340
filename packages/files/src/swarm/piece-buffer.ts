import { BLOCK_SIZE } from "../piece-size.js";

/** A piece being assembled in memory, with the peer each block came from. */
export interface PieceBuffer {
  readonly data: Uint8Array;
  readonly from: string[];
}

/**
 * Which peers sent blocks that differ from the verified piece: once a failed piece is fetched again and
 * passes its hash, the bad copy's blocks are compared block by block, so only the liars are blamed.
 */
export function blameBlocks(bad: PieceBuffer, good: Uint8Array): Set<string> {
  const liars = new Set<string>();
  for (let b = 0; b < bad.from.length; b++) {
    const start = b * BLOCK_SIZE;
    const end = Math.min(start + BLOCK_SIZE, good.length);
    for (let i = start; i < end; i++) {
      if (bad.data[i] !== good[i]) {
        liars.add(bad.from[b]);
        break;
      }
    }
  }
  return liars;
}
