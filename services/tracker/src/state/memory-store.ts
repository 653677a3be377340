/**
 * Which in-memory swarm store the tracker runs: the C one (`NativeSwarmStore`, the addon) or the TypeScript one
 * (`MemorySwarmStore`), the same swarm rules either way. `auto` takes the C store when the addon loads.
 */
import type { Clock } from "@switchboard/runtime";
import type { MemoryStoreChoice } from "../config.js";
import { MemorySwarmStore } from "./memory-swarm-store.js";
import { loadTrackerNative, type NativeStoreHandle } from "./native-binding.js";
import { NativeSwarmStore } from "./native-swarm-store.js";
import type { SwarmStore } from "./swarm-store.js";

export type { MemoryStoreChoice } from "../config.js";

export interface MemoryStoreOptions {
  clock: Clock;
  peerTtlSeconds: number;
}

export interface ChosenMemoryStore {
  readonly store: SwarmStore;
  readonly kind: "native" | "js";
  /** Why the C store is not used (when `kind` is "js"). */
  readonly reason?: string;
  /** The C store's handle for other C code of the addon (when `kind` is "native"; see native/binding.h). */
  readonly nativeHandle?: NativeStoreHandle;
}

/** The memory store for `choice`; `native` without a loadable addon throws the loader's reason. */
export function createMemoryStore(choice: MemoryStoreChoice, opts: MemoryStoreOptions): ChosenMemoryStore {
  if (choice === "js")
    return { store: new MemorySwarmStore(opts), kind: "js", reason: "chosen by configuration" };
  const { binding, reason } = loadTrackerNative();
  if (binding !== undefined) {
    const store = new NativeSwarmStore({ ...opts, binding });
    return { store, kind: "native", nativeHandle: store.nativeHandle };
  }
  if (choice === "native")
    throw new Error(`the native memory store is not available: ${reason ?? "unknown"}`);
  return { store: new MemorySwarmStore(opts), kind: "js", reason };
}
