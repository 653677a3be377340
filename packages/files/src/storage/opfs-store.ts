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

/** Uncommitted bytes after which the open writable is committed: an eighth of the file, within these bounds. */
const COMMIT_MIN_BYTES = 16 * 1024 * 1024;
const COMMIT_MAX_BYTES = 128 * 1024 * 1024;
/** A quiet download commits what it has after this long. */
const COMMIT_IDLE_MS = 1000;

/**
 * A download in the browser's Origin Private File System: pieces written in place into `<name>.part`, the
 * bitfield in `<name>.part.bits` (so a reload resumes). `file()` gives the finished file for the user to save.
 *
 * A writable stream shows nothing until it is closed, and opening one with `keepExistingData` copies the file into
 * a swap file, so pieces are not written one writable each (concurrent writables would also overwrite each other's
 * pieces): one writable stays open and takes every piece, and it is committed (closed) once an eighth of the file
 * (16–128 MiB) is waiting, after a second without pieces, and on finish or close — a handful of commits per file
 * up to 1 GiB. Each commit still copies the file (Chromium's swap file); for multi-GB files an OPFS sync access
 * handle in a dedicated worker (in-place writes) would be the better path.
 * Until its commit a piece is served from memory, and the saved bitfield records only committed pieces, so a
 * reload never trusts a piece that was not on disk (and resume re-hashes what the bitfield claims anyway).
 * All writes go through one queue.
 */
export class OpfsStore implements PieceStore {
  readonly verified: Bitfield;
  readonly #dir: DirectoryHandleLike;
  readonly #part: FileHandleLike;
  readonly #bits: FileHandleLike;
  readonly #manifest: Manifest;
  readonly #commitEvery: number;
  /** Pieces in the open writable, not yet committed (served from here). */
  readonly #pending = new Map<number, Uint8Array>();
  #pendingBytes = 0;
  #writable: WritableFileStream | null = null;
  #queue: Promise<void> = Promise.resolve();
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  #committed: Bitfield;
  #closed = false;
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
    this.#committed = new Bitfield(verified.length, verified.bytes);
    this.#commitEvery = Math.min(COMMIT_MAX_BYTES, Math.max(COMMIT_MIN_BYTES, Math.ceil(manifest.size / 8)));
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
      const partSize = (await part.getFile()).size;
      const same =
        saved.length === 32 + Math.ceil(count / 8) &&
        saved.subarray(0, 32).every((b, i) => b === manifest.root[i]) &&
        partSize === manifest.size;
      const verified = same ? new Bitfield(count, saved.subarray(32)) : new Bitfield(count);
      if (!same) {
        const w = await part.createWritable({ keepExistingData: false });
        await w.write({ type: "truncate", size: manifest.size });
        await w.close();
        await writeBits(bits, manifest.root, verified.bytes);
      }
      const store = new OpfsStore(dir, part, bits, manifest, verified);
      if (same) {
        // Resuming: hash what the bitfield claims; a piece that does not match is fetched again.
        store.discarded = await recheckPieces(manifest, verified, (o, l) => store.read(o, l));
        store.#committed = new Bitfield(count, verified.bytes);
        if (store.discarded.length > 0) await writeBits(bits, manifest.root, verified.bytes);
      }
      return store;
    } catch (e) {
      throw e instanceof FilesError ? e : opfsError(e);
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const ps = this.#manifest.pieceSize;
    const piece = Math.floor(offset / ps);
    const pending = this.#pending.get(piece);
    if (pending && offset + length <= piece * ps + pending.length) {
      return pending.subarray(offset - piece * ps, offset - piece * ps + length);
    }
    const file = await this.#part.getFile();
    return new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
  }

  writePiece(index: number, data: Uint8Array): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#closed) throw new FilesError("storage_failed", "OPFS: the store is closed");
      this.#writable ??= await this.#part.createWritable({ keepExistingData: true });
      await this.#writable.write({ type: "write", position: index * this.#manifest.pieceSize, data });
      this.#pending.set(index, data);
      this.#pendingBytes += data.length;
      this.verified.set(index);
      if (this.#pendingBytes >= this.#commitEvery) await this.#commit();
      else this.#armIdleCommit();
    });
  }

  /** The finished file (a `File` in browsers), for a download link or `showSaveFilePicker`. */
  file(): Promise<FileLike> {
    return this.#enqueue(() => this.#commit()).then(() => this.#part.getFile());
  }

  async finish(): Promise<void> {
    await this.#enqueue(() => this.#commit());
    await this.#dir.removeEntry(`${this.#manifest.name}.part.bits`).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.#enqueue(async () => {
      await this.#commit();
      this.#closed = true;
    }).catch(() => undefined);
  }

  #enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(job, job);
    this.#queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run.catch((e: unknown) => {
      throw e instanceof FilesError ? e : opfsError(e);
    });
  }

  #armIdleCommit(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      void this.#enqueue(() => this.#commit()).catch(() => undefined);
    }, COMMIT_IDLE_MS);
  }

  /** Closes the open writable (its pieces land in the file), then records them in the saved bitfield. */
  async #commit(): Promise<void> {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    if (!this.#writable) return;
    const w = this.#writable;
    this.#writable = null;
    await w.close();
    for (const i of this.#pending.keys()) this.#committed.set(i);
    this.#pending.clear();
    this.#pendingBytes = 0;
    await writeBits(this.#bits, this.#manifest.root, this.#committed.bytes);
  }
}

async function writeBits(bits: FileHandleLike, root: Uint8Array, bytes: Uint8Array): Promise<void> {
  const wb = await bits.createWritable({ keepExistingData: false });
  await wb.write({ type: "write", position: 0, data: new Uint8Array([...root, ...bytes]) });
  await wb.close();
}

const opfsError = (e: unknown): FilesError =>
  new FilesError("storage_failed", `OPFS: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);

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
