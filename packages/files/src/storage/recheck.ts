import type { Bitfield } from "../bitfield.js";
import { bytesEqual } from "../bytes.js";
import { sha256 } from "../hash.js";
import type { Manifest } from "../manifest.js";
import { pieceLength } from "../piece-size.js";

/**
 * A resumed download does not trust its saved bitfield: every piece it claims is read back and hashed, and a piece
 * whose bytes no longer match the manifest (a tampered or torn `.part`) is cleared so it is fetched again.
 * Returns the cleared pieces. One piece in memory at a time.
 */
export async function recheckPieces(
  manifest: Manifest,
  verified: Bitfield,
  read: (offset: number, length: number) => Promise<Uint8Array>,
): Promise<number[]> {
  const bad: number[] = [];
  for (const i of [...verified.indexes()]) {
    const data = await read(i * manifest.pieceSize, pieceLength(manifest.size, manifest.pieceSize, i));
    if (!bytesEqual(await sha256(data), manifest.pieceHashes[i])) {
      verified.clear(i);
      bad.push(i);
    }
  }
  return bad;
}
