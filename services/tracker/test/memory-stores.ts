/**
 * The two in-memory swarm stores, for suites that run the same store tests against both: the TypeScript one and
 * the C one (skipped, with the loader's reason, when the addon is not built).
 */
import type { Clock } from "@switchboard/runtime";
import { skipTest } from "@switchboard/test-support/jest";
import { MemorySwarmStore } from "../src/state/memory-swarm-store.js";
import { loadTrackerNative } from "../src/state/native-binding.js";
import { NativeSwarmStore } from "../src/state/native-swarm-store.js";

export interface StoreMaker {
  readonly name: string;
  /** A new store; in a test only (skips the test when this store cannot be had here). */
  readonly make: (opts: { clock: Clock; peerTtlSeconds: number }) => MemorySwarmStore | NativeSwarmStore;
}

export const MEMORY_STORES: readonly StoreMaker[] = [
  { name: "MemorySwarmStore (TypeScript)", make: (opts) => new MemorySwarmStore(opts) },
  {
    name: "NativeSwarmStore (C)",
    make: (opts) => {
      const { binding, reason } = loadTrackerNative();
      if (binding === undefined) return skipTest(`tracker addon not built: ${reason ?? "unknown"}`);
      return new NativeSwarmStore({ ...opts, binding });
    },
  },
];
