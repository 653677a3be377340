import { randomBytes } from "node:crypto";
import {
  FileShare,
  createChannelPair,
  type FileShareOptions,
  type MemoryChannelOptions,
} from "../src/index.js";

export function randomData(size: number): Uint8Array {
  return new Uint8Array(randomBytes(size));
}

/** Connects two FileShares with an in-memory channel pair. */
export function connect(
  a: { id: string; share: FileShare },
  b: { id: string; share: FileShare },
  opts: MemoryChannelOptions = {},
): void {
  const [ab, ba] = createChannelPair(a.id, b.id, opts);
  a.share.addChannel(ab);
  b.share.addChannel(ba);
}

export function node(id: string, opts: FileShareOptions = {}): { id: string; share: FileShare } {
  return { id, share: new FileShare(opts) };
}

/** Polls until `check` is true or the deadline passes. */
export async function until(check: () => boolean, ms = 20_000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
