/**
 * Uninitialised output bytes for the encoders, carved from shared 8 KiB slabs as Node's own Buffer pool does,
 * but as ONE plain `Uint8Array` per call: wrapping `Buffer.allocUnsafe` in a Uint8Array view made two objects
 * per encoded message. Plain (not Buffer) so that `slice()` copies and `deepStrictEqual` against a Uint8Array
 * holds. The slabs are off-heap ArrayBuffers, so zlib, HMAC and sockets read them without a copy. No I/O: the
 * only state is the current slab and offset.
 */
import { Buffer } from "node:buffer";

/** Slab size and the largest request served from a slab (larger ones get their own buffer), as in Node. */
const SLAB_BYTES = 8 * 1024;
const MAX_POOLED = SLAB_BYTES >>> 1;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** `size` bytes that the caller overwrites entirely (pooled ones are not zeroed). */
export function allocate(size: number): Uint8Array {
  if (size >= MAX_POOLED) {
    // A buffer of its own, not zero-filled either.
    const own = Buffer.allocUnsafeSlow(size);
    return new Uint8Array(own.buffer, own.byteOffset, size);
  }
  if (used + size > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const out = new Uint8Array(slab, used, size);
  // Keep the next view 8-byte aligned, as Node's pool does.
  used = (used + size + 7) & ~7;
  return out;
}
