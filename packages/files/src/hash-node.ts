import { createHash } from "node:crypto";
import type { PieceHasher } from "./hash.js";

/**
 * SHA-256 of a piece with node:crypto on the calling thread (Node). Cheaper in total than `WorkerHasher` where CPU
 * is what limits: no copy of the piece, no message to and from a worker (with SHA-NI a 64 KiB piece hashes in
 * tens of microseconds, about what handing it to a worker costs). `WorkerHasher` is there for apps whose main
 * thread is busy with other work and that have cores to spare.
 */
export const nodeSha256: PieceHasher = (data) =>
  Promise.resolve(new Uint8Array(createHash("sha256").update(data).digest()));
