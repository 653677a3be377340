// A file the user picked (a `File`, or any `Blob`) as a seeding `PieceStore`, and its manifest. Pieces are read
// straight from the Blob when a peer asks for them: nothing is copied into memory or storage up front.
import {
  Bitfield,
  FilesError,
  manifestFromStream,
  pieceCountFor,
  type Manifest,
  type PieceStore,
} from "@switchboard/files";

/** A Blob's bytes as an async iterable (ReadableStream's own iterator is not in every browser yet). */
async function* chunksOf(blob: Blob): AsyncIterable<Uint8Array> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Hashes a picked file piece by piece (one piece in memory at a time) into its manifest. */
export function manifestFromBlob(file: Blob, name: string): Promise<Manifest> {
  return manifestFromStream({
    name,
    size: file.size,
    mediaType: file.type || "application/octet-stream",
    stream: chunksOf(file),
  });
}

/** Seeds a Blob that is whole: every piece verified (the manifest was hashed from it). */
export class BlobSource implements PieceStore {
  readonly verified: Bitfield;
  readonly blob: Blob;

  constructor(blob: Blob, manifest: Manifest) {
    if (blob.size !== manifest.size) throw new FilesError("storage_failed", "the file changed size");
    this.blob = blob;
    this.verified = Bitfield.full(pieceCountFor(manifest.size, manifest.pieceSize));
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    return new Uint8Array(await this.blob.slice(offset, offset + length).arrayBuffer());
  }

  writePiece(): Promise<void> {
    return Promise.reject(new FilesError("storage_failed", "a shared file is read-only"));
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
