import { Bitfield } from "../bitfield.js";
import { FilesError } from "../errors.js";
import type { Manifest } from "../manifest.js";
import { pieceCountFor } from "../piece-size.js";
import type { PieceStore } from "./piece-store.js";

/** Keeps the whole file in memory: for small files, tests, and browsers without OPFS. */
export class MemoryStore implements PieceStore {
  readonly verified: Bitfield;
  readonly #data: Uint8Array;
  readonly #pieceSize: number;
  readonly releasesWrittenData = true;

  /** A store for a download (empty), or for seeding when `data` is the whole file. */
  constructor(manifest: Manifest, data?: Uint8Array) {
    const count = pieceCountFor(manifest.size, manifest.pieceSize);
    if (data && data.length !== manifest.size)
      throw new FilesError("storage_failed", "data is not the manifest's size");
    this.#data = data ?? new Uint8Array(manifest.size);
    this.#pieceSize = manifest.pieceSize;
    this.verified = data ? Bitfield.full(count) : new Bitfield(count);
  }

  /** The file's bytes (complete once `verified.complete`). */
  get bytes(): Uint8Array {
    return this.#data;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(this.#data.slice(offset, offset + length));
  }

  readInto(offset: number, dst: Uint8Array): void {
    if (offset + dst.length > this.#data.length)
      throw new FilesError("storage_failed", "read beyond the file");
    dst.set(this.#data.subarray(offset, offset + dst.length));
  }

  writePiece(index: number, data: Uint8Array): Promise<void> {
    this.#data.set(data, index * this.#pieceSize);
    this.verified.set(index);
    return Promise.resolve();
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
