import { Bitfield } from "../bitfield.js";
import { FilesError } from "../errors.js";
import { checkFileName, type Manifest } from "../manifest.js";
import { pieceCountFor } from "../piece-size.js";
import { MemoryStore } from "./memory-store.js";
import type { PieceStore } from "./piece-store.js";
import { recheckPieces } from "./recheck.js";

// The parts of the Origin Private File System API we use (declared here: the package builds without DOM libs).
interface WritableFileStream {
  write(
    chunk: { type: "write"; position: number; data: Uint8Array } | { type: "truncate"; size: number },
  ): Promise<void>;
  close(): Promise<void>;
}
interface FileLike {
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}
interface FileHandleLike {
  getFile(): Promise<FileLike>;
  createWritable(opts: { keepExistingData: boolean }): Promise<WritableFileStream>;
}
interface DirectoryHandleLike {
  getFileHandle(name: string, opts?: { create?: boolean }): Promise<FileHandleLike>;
  removeEntry(name: string): Promise<void>;
}
interface StorageLike {
  getDirectory(): Promise<DirectoryHandleLike>;
}

function opfsRoot(): Promise<DirectoryHandleLike> | null {
  const storage = (globalThis as { navigator?: { storage?: Partial<StorageLike> } }).navigator?.storage;
  return typeof storage?.getDirectory === "function" ? storage.getDirectory() : null;
}

/**
 * A download in the browser's Origin Private File System: pieces written in place into `<name>.part`, the
 * bitfield in `<name>.part.bits` (so a reload resumes). `file()` gives the finished file for the user to save.
 * NOTE: only exercisable in a browser (Chromium); the Node tests cover the memory fallback.
 */
export class OpfsStore implements PieceStore {
  readonly verified: Bitfield;
  readonly #dir: DirectoryHandleLike;
  readonly #part: FileHandleLike;
  readonly #bits: FileHandleLike;
  readonly #manifest: Manifest;
  /** Pieces the saved bitfield claimed whose bytes failed their hash on resume (cleared, to be fetched again). */
  discarded: readonly number[] = [];

  private constructor(
    dir: DirectoryHandleLike,
    part: FileHandleLike,
    bits: FileHandleLike,
    manifest: Manifest,
    verified: Bitfield,
  ) {
    this.#dir = dir;
    this.#part = part;
    this.#bits = bits;
    this.#manifest = manifest;
    this.verified = verified;
  }

  static async open(manifest: Manifest, dir: DirectoryHandleLike): Promise<OpfsStore> {
    checkFileName(manifest.name);
    const count = pieceCountFor(manifest.size, manifest.pieceSize);
    try {
      const part = await dir.getFileHandle(`${manifest.name}.part`, { create: true });
      const bits = await dir.getFileHandle(`${manifest.name}.part.bits`, { create: true });
      const saved = new Uint8Array(
        await (await bits.getFile()).slice(0, 32 + Math.ceil(count / 8)).arrayBuffer(),
      );
      const same =
        saved.length === 32 + Math.ceil(count / 8) &&
        saved.subarray(0, 32).every((b, i) => b === manifest.root[i]);
      const verified = same ? new Bitfield(count, saved.subarray(32)) : new Bitfield(count);
      if (!same) {
        const w = await part.createWritable({ keepExistingData: false });
        await w.write({ type: "truncate", size: manifest.size });
        await w.close();
        const wb = await bits.createWritable({ keepExistingData: false });
        await wb.write({
          type: "write",
          position: 0,
          data: new Uint8Array([...manifest.root, ...verified.bytes]),
        });
        await wb.close();
      }
      const store = new OpfsStore(dir, part, bits, manifest, verified);
      if (same) {
        // Resuming: hash what the bitfield claims; a piece that does not match is fetched again.
        store.discarded = await recheckPieces(manifest, verified, (o, l) => store.read(o, l));
        if (store.discarded.length > 0) {
          const wb = await bits.createWritable({ keepExistingData: true });
          await wb.write({ type: "write", position: 32, data: verified.bytes });
          await wb.close();
        }
      }
      return store;
    } catch (e) {
      throw new FilesError("storage_failed", `OPFS: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const file = await this.#part.getFile();
    return new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
  }

  async writePiece(index: number, data: Uint8Array): Promise<void> {
    const w = await this.#part.createWritable({ keepExistingData: true });
    await w.write({ type: "write", position: index * this.#manifest.pieceSize, data });
    await w.close();
    this.verified.set(index);
    const byte = index >> 3;
    const wb = await this.#bits.createWritable({ keepExistingData: true });
    await wb.write({
      type: "write",
      position: 32 + byte,
      data: this.verified.bytes.subarray(byte, byte + 1),
    });
    await wb.close();
  }

  /** The finished file (a `File` in browsers), for a download link or `showSaveFilePicker`. */
  file(): Promise<FileLike> {
    return this.#part.getFile();
  }

  async finish(): Promise<void> {
    await this.#dir.removeEntry(`${this.#manifest.name}.part.bits`).catch(() => undefined);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Files up to this size fall back to memory when OPFS is missing; larger ones fail clearly instead. */
export const MEMORY_FALLBACK_MAX_BYTES = 256 * 1024 * 1024;

/** Opens an OPFS store where the browser has one, else a memory store for files small enough to hold. */
export async function openBrowserStore(manifest: Manifest): Promise<PieceStore> {
  const root = opfsRoot();
  if (root) return OpfsStore.open(manifest, await root);
  if (manifest.size > MEMORY_FALLBACK_MAX_BYTES) {
    throw new FilesError(
      "storage_failed",
      "no Origin Private File System here, and the file is too large for memory",
    );
  }
  return new MemoryStore(manifest);
}
