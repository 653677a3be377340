import { concatBytes } from "./bytes.js";
import { sha256 } from "./hash.js";

const NODE_PREFIX = Uint8Array.of(0x01);

/**
 * Merkle root over leaf hashes: an inner node is SHA-256(0x01 ‖ left ‖ right); an odd node at the end of a level is
 * carried up unchanged (never paired with itself, so two different leaf lists cannot share a root that way).
 */
export async function merkleRoot(leaves: readonly Uint8Array[]): Promise<Uint8Array> {
  if (leaves.length === 0) throw new RangeError("merkleRoot needs at least one leaf");
  let level = [...leaves];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right ? await sha256(concatBytes([NODE_PREFIX, level[i], right])) : level[i]);
    }
    level = next;
  }
  return level[0];
}
