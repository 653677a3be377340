import { fdatasync, readSync, writeSync } from "node:fs";
import { open, readFile, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { Bitfield } from "../bitfield.js";
import { bytesEqual } from "../bytes.js";
import { FilesError } from "../errors.js";
import { HASH_LENGTH } from "../hash.js";
import { checkFileName, type Manifest } from "../manifest.js";
import { pieceCountFor } from "../piece-size.js";
import type { PieceStore } from "./piece-store.js";
import { recheckPieces } from "./recheck.js";

/** How often a download's bitfield is written to disk, at most. */
const BITS_FLUSH_MS = 250;
/**
 * Bytes written after which the `.part` is flushed to disk in the background (`fdatasync` on the thread pool), so
 * the `fsync` that ends a download has only the last stretch left to write (it took ~0.1 s for 200 MiB at the end).
 */
const DEFAULT_FLUSH_EVERY_BYTES = 32 * 1024 * 1024;

/**
 * Reads `length` bytes at `offset` on this thread. Piece I/O is synchronous on purpose: a piece (64 KiB–4 MiB) goes
 * to or from the page cache in tens of microseconds, while a thread-pool hand-off per piece (wake a thread, settle
 * a promise) stalled the thread that moves blocks for far longer on a loaded machine (bench/files, 2026-12-07).
 */
function readAt(fd: number, offset: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  readFully(fd, offset, buf);
  return buf;
}

function readFully(fd: number, offset: number, dst: Uint8Array): void {
  let got = 0;
  while (got < dst.length) {
    const n = readSync(fd, dst, got, dst.length - got, offset + got);
    if (n === 0) throw new FilesError("storage_failed", "short read (file changed while shared?)");
    got += n;
  }
}

function writeAt(fd: number, data: Uint8Array, offset: number): void {
  for (let done = 0; done < data.length;)
    done += writeSync(fd, data, done, data.length - done, offset + done);
}

const failed = (what: string, e: unknown): FilesError =>
  new FilesError("storage_failed", `${what}: ${e instanceof Error ? e.message : String(e)}`);

/** `readAt` for the `PieceStore.read` contract: its failure as a rejected promise, as a FilesError. */
function readPromised(fd: number, offset: number, length: number): Promise<Uint8Array> {
  try {
    return Promise.resolve(readAt(fd, offset, length));
  } catch (e) {
    return Promise.reject(e instanceof FilesError ? e : failed("cannot read", e));
  }
}

export interface NodeFileStoreOptions {
  /** Flush written data to disk in the background every this many bytes (default 32 MiB; 0: only on finish). */
  readonly flushEveryBytes?: number;
}

/**
 * A download on disk: pieces are written in place into `<dir>/<name>.part` (sparse, never held whole in memory) and
 * recorded in `<name>.part.bits` (the root, then the bitfield), so a killed download resumes. On finish the `.part`
 * file is renamed to `<name>` and the bitfield file removed.
 */
export class NodeFileStore implements PieceStore {
  readonly verified: Bitfield;
  readonly path: string;
  readonly #part: string;
  readonly #bitsPath: string;
  readonly #file: FileHandle;
  readonly #bits: FileHandle;
  readonly #pieceSize: number;
  readonly releasesWrittenData = true;
  #finished = false;
  #closed = false;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #flushing: Promise<void> = Promise.resolve();
  readonly #flushEvery: number;
  #unflushed = 0;
  /** The background `fdatasync` in flight, if any (settles to undefined, whatever its outcome). */
  #dataSync: Promise<void> | null = null;
  /** Background flushes started so far (see `NodeFileStoreOptions.flushEveryBytes`). */
  backgroundFlushes = 0;
  /** Pieces the saved bitfield claimed whose bytes failed their hash on resume (cleared, to be fetched again). */
  discarded: readonly number[] = [];

  private constructor(init: {
    path: string;
    file: FileHandle;
    bits: FileHandle;
    verified: Bitfield;
    pieceSize: number;
    flushEvery: number;
  }) {
    this.path = init.path;
    this.#part = `${init.path}.part`;
    this.#bitsPath = `${init.path}.part.bits`;
    this.#file = init.file;
    this.#bits = init.bits;
    this.verified = init.verified;
    this.#pieceSize = init.pieceSize;
    this.#flushEvery = init.flushEvery;
  }

  /** Opens or resumes the download of `manifest` into `dir`. */
  static async open(
    dir: string,
    manifest: Manifest,
    opts: NodeFileStoreOptions = {},
  ): Promise<NodeFileStore> {
    checkFileName(manifest.name);
    const flushEvery = opts.flushEveryBytes ?? DEFAULT_FLUSH_EVERY_BYTES;
    if (!Number.isSafeInteger(flushEvery) || flushEvery < 0)
      throw new RangeError(`flushEveryBytes must be a whole number of bytes ≥ 0, got ${String(flushEvery)}`);
    const path = join(dir, manifest.name);
    const count = pieceCountFor(manifest.size, manifest.pieceSize);
    let verified = new Bitfield(count);
    try {
      const saved = await readFile(`${path}.part.bits`);
      const partSize = (await stat(`${path}.part`)).size;
      if (
        saved.length === HASH_LENGTH + verified.bytes.length &&
        bytesEqual(saved.subarray(0, HASH_LENGTH), manifest.root) &&
        partSize === manifest.size
      ) {
        verified = new Bitfield(count, saved.subarray(HASH_LENGTH));
      }
    } catch {
      // nothing to resume
    }
    try {
      const fresh = verified.count === 0;
      const file = await open(`${path}.part`, fresh ? "w+" : "r+");
      if (fresh) await file.truncate(manifest.size);
      const bits = await open(`${path}.part.bits`, fresh ? "w+" : "r+");
      if (fresh) await bits.write(new Uint8Array([...manifest.root, ...verified.bytes]), 0, undefined, 0);
      const store = new NodeFileStore({
        path,
        file,
        bits,
        verified,
        pieceSize: manifest.pieceSize,
        flushEvery,
      });
      if (!fresh) {
        // Resuming: hash what the bitfield claims; a piece that does not match is fetched again.
        store.discarded = await recheckPieces(manifest, verified, (o, l) => store.read(o, l));
        if (store.discarded.length > 0) await bits.write(verified.bytes, 0, undefined, HASH_LENGTH);
      }
      return store;
    } catch (e) {
      throw e instanceof FilesError ? e : failed(`cannot open ${path}.part`, e);
    }
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    // After the rename on finish the open handle still reads the same file, so seeding goes on from it.
    return readPromised(this.#file.fd, offset, length);
  }

  readInto(offset: number, dst: Uint8Array): void {
    readFully(this.#file.fd, offset, dst);
  }

  writePiece(index: number, data: Uint8Array): Promise<void> {
    try {
      writeAt(this.#file.fd, data, index * this.#pieceSize);
    } catch (e) {
      return Promise.reject(failed("cannot write piece", e));
    }
    this.#stored(index, data.length);
    return Promise.resolve();
  }

  #stored(index: number, bytes: number): void {
    this.verified.set(index);
    this.#scheduleBitsFlush();
    this.#unflushed += bytes;
    if (this.#flushEvery > 0 && this.#unflushed >= this.#flushEvery && !this.#dataSync) {
      // Durability still comes from the final `sync` in finish; a failure here shows up there.
      this.#unflushed = 0;
      this.backgroundFlushes++;
      this.#dataSync = new Promise<void>((resolve) => fdatasync(this.#file.fd, () => resolve())).then(() => {
        this.#dataSync = null;
      });
    }
  }

  /**
   * The bitfield goes to disk at most every BITS_FLUSH_MS (one write, not one per piece: every file operation wakes
   * a thread-pool thread), always after the pieces it records were written. A crash in between costs the pieces
   * of the last flush interval, which are fetched again.
   */
  #scheduleBitsFlush(): void {
    if (this.#flushTimer || this.#finished || this.#closed) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      void this.#flushBits().catch(() => undefined);
    }, BITS_FLUSH_MS);
  }

  #flushBits(): Promise<void> {
    const snapshot = this.verified.bytes.slice();
    this.#flushing = this.#flushing
      .catch(() => undefined)
      .then(async () => {
        if (this.#finished) return;
        await this.#bits.write(snapshot, 0, snapshot.length, HASH_LENGTH);
      });
    return this.#flushing;
  }

  #stopFlushing(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
  }

  async finish(): Promise<void> {
    if (this.#finished) return;
    try {
      this.#stopFlushing();
      await this.#dataSync;
      await this.#flushing.catch(() => undefined);
      await this.#file.sync();
      await rename(this.#part, this.path);
      await this.#bits.close();
      await rm(this.#bitsPath, { force: true });
      this.#finished = true;
    } catch (e) {
      throw failed("cannot finish the download", e);
    }
  }

  async close(): Promise<void> {
    if (!this.#finished && !this.#closed) {
      this.#closed = true;
      this.#stopFlushing();
      await this.#flushBits().catch(() => undefined);
      await this.#bits.close().catch(() => undefined);
    }
    await this.#dataSync;
    await this.#file.close().catch(() => undefined);
  }
}

/** A complete file on disk, served as it is (seeding). Its pieces are known good from hashing it. */
export class NodeFileSource implements PieceStore {
  readonly verified: Bitfield;
  readonly #file: FileHandle;

  private constructor(file: FileHandle, pieces: number) {
    this.#file = file;
    this.verified = Bitfield.full(pieces);
  }

  static async open(path: string, manifest: Manifest): Promise<NodeFileSource> {
    try {
      const file = await open(path, "r");
      return new NodeFileSource(file, pieceCountFor(manifest.size, manifest.pieceSize));
    } catch (e) {
      throw failed(`cannot open ${path}`, e);
    }
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return readPromised(this.#file.fd, offset, length);
  }

  readInto(offset: number, dst: Uint8Array): void {
    readFully(this.#file.fd, offset, dst);
  }

  writePiece(): Promise<void> {
    return Promise.reject(new FilesError("storage_failed", "a seeding source is read-only"));
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return this.#file.close().catch(() => undefined);
  }
}
