import { sha256 } from "./hash.js";
import { createManifest, type Manifest } from "./manifest.js";
import { choosePieceSize } from "./piece-size.js";

/** Cuts a byte stream into pieces of `pieceSize` and hashes each; holds at most one piece in memory. */
export async function hashPieces(
  source: AsyncIterable<Uint8Array>,
  pieceSize: number,
): Promise<Uint8Array[]> {
  const hashes: Uint8Array[] = [];
  const piece = new Uint8Array(pieceSize);
  let filled = 0;
  for await (const chunk of source) {
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(pieceSize - filled, chunk.length - at);
      piece.set(chunk.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === pieceSize) {
        hashes.push(await sha256(piece));
        filled = 0;
      }
    }
  }
  if (filled > 0) hashes.push(await sha256(piece.subarray(0, filled)));
  return hashes;
}

export interface ManifestSource {
  readonly name: string;
  readonly size: number;
  readonly mediaType?: string;
  readonly pieceSize?: number;
  readonly stream: AsyncIterable<Uint8Array>;
}

/** Builds the manifest of a file read once as a stream (a Node file, a browser `File.stream()`, bytes). */
export async function manifestFromStream(src: ManifestSource): Promise<Manifest> {
  const pieceSize = src.pieceSize ?? choosePieceSize(src.size);
  const pieceHashes = await hashPieces(src.stream, pieceSize);
  return createManifest({
    name: src.name,
    size: src.size,
    mediaType: src.mediaType ?? "application/octet-stream",
    pieceSize,
    pieceHashes,
  });
}

function toAsync(chunks: readonly Uint8Array[]): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const it = chunks[Symbol.iterator]();
      return { next: () => Promise.resolve(it.next()) };
    },
  };
}

/** The manifest of bytes already in memory. */
export function manifestFromBytes(name: string, data: Uint8Array, mediaType?: string): Promise<Manifest> {
  return manifestFromStream({
    name,
    size: data.length,
    ...(mediaType ? { mediaType } : {}),
    stream: toAsync([data]),
  });
}
