import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { FilesError } from "./errors.js";
import type { PieceHasher } from "./hash.js";

// The worker's whole program: node:crypto's SHA-256 (cheaper than WebCrypto's, which in Node runs on the calling
// thread). Inline, so it loads the same from the built package and from source under tsx.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
parentPort.on("message", ({ id, data }) => {
  const hash = new Uint8Array(createHash("sha256").update(data).digest());
  parentPort.postMessage({ id, hash }, [hash.buffer]);
});
`;

interface Job {
  resolve(hash: Uint8Array): void;
  reject(e: Error): void;
}

/**
 * SHA-256 of pieces on worker threads (Node), so verifying a downloaded piece does not hold up the thread that
 * moves blocks. Pieces are copied to a worker (the caller keeps its buffer); jobs go round-robin. Workers are
 * referenced only while a job is in flight: an idle hasher never keeps the process alive. Browsers need none of this: their `crypto.subtle.digest`
 * already runs off the main thread.
 */
export class WorkerHasher {
  readonly #workers: { worker: Worker; jobs: Map<number, Job> }[] = [];
  #next = 0;
  #id = 0;
  #closed = false;

  constructor(threads = Math.max(1, Math.min(4, availableParallelism() - 1))) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      const jobs = new Map<number, Job>();
      worker.on("message", ({ id, hash }: { id: number; hash: Uint8Array }) => {
        jobs.get(id)?.resolve(new Uint8Array(hash));
        jobs.delete(id);
        if (jobs.size === 0) worker.unref();
      });
      const fail = (e: unknown): void => {
        const err = new FilesError(
          "storage_failed",
          `hash worker: ${e instanceof Error ? e.message : String(e)}`,
        );
        for (const j of jobs.values()) j.reject(err);
        jobs.clear();
        worker.unref();
      };
      worker.on("error", fail);
      worker.on("exit", () => fail(new Error("exited")));
      worker.unref();
      this.#workers.push({ worker, jobs });
    }
  }

  /** The hasher function to hand to `FileShare` (`{ hashPiece: hasher.hash }`). */
  readonly hash: PieceHasher = (data) => {
    if (this.#closed) return Promise.reject(new FilesError("aborted", "the hasher was closed"));
    const w = this.#workers[this.#next++ % this.#workers.length];
    const id = ++this.#id;
    return new Promise<Uint8Array>((resolve, reject) => {
      w.jobs.set(id, { resolve, reject });
      w.worker.ref(); // a job in flight keeps the process alive until its answer arrives
      const copy = data.slice(); // only the view's bytes, handed over without a second copy
      w.worker.postMessage({ id, data: copy }, [copy.buffer]);
    });
  };

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }
}
