/** SHA-256 through WebCrypto (`crypto.subtle`), which Node 20 and every browser provide. */
export const HASH_LENGTH = 32;

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  // WebCrypto takes views over a plain ArrayBuffer: re-view ours (no copy), or copy one over shared memory.
  const buffer = data.buffer;
  const view =
    buffer instanceof ArrayBuffer
      ? new Uint8Array(buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", view));
}

/** Hashes one piece: SHA-256 of its bytes. `sha256` by default; Node can hand in `WorkerHasher.hash`. */
export type PieceHasher = (data: Uint8Array) => Promise<Uint8Array>;
