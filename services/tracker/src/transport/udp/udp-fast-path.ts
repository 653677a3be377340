/**
 * The C announce path's JavaScript side (native/udp-fast.c): made over the native swarm store, attached to the
 * listener's native socket as a datagram handler, and switched on only while the core would serve every announce
 * as it does — no access rules (allow/deny lists, passkeys), and either no rate limiter or the native one, whose
 * buckets it spends too — and while the store runs on the Unix clock. What it does not answer reaches `UdpTracker`
 * as before.
 */

import type {
  NativeRateLimiterHandle,
  NativeStoreHandle,
  UdpFastBinding,
} from "../../state/native-binding.js";

export interface UdpFastPathOptions {
  binding: UdpFastBinding;
  /** The native store's handle (`NativeSwarmStore.nativeHandle`); its clock must be the system clock. */
  store: NativeStoreHandle;
  /** The connection-id secret (`ConnectionIds.secret`): the C path verifies the ids JavaScript issues. */
  secret: Uint8Array;
  intervalSeconds: number;
  numwantDefault: number;
  numwantMax: number;
  /** The core's limiter when it is the native one (`NativeRateLimiter.handle`); undefined: no limit. */
  limiter?: NativeRateLimiterHandle;
}

export class UdpFastPath {
  readonly #binding: UdpFastBinding;
  /** The datagram handler external to attach to a native socket. */
  readonly handler: object;
  #enabled = false;
  /** Announces answered in C: in all, and not yet handed to `take`. */
  #answered = 0;
  #untaken = 0;

  constructor(o: UdpFastPathOptions) {
    this.#binding = o.binding;
    this.handler = o.binding.udpFastCreate(
      o.store,
      o.secret,
      o.intervalSeconds,
      o.numwantDefault,
      o.numwantMax,
      o.limiter,
    );
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /** On: it answers the announces it can; off: it passes every datagram on to JavaScript. */
  enable(on: boolean): void {
    this.#binding.udpFastEnable(this.handler, on);
    this.#enabled = on;
  }

  /** Announces answered in C since the last call (for `tracker_announces_total`). */
  take(): number {
    this.#pull();
    const n = this.#untaken;
    this.#untaken = 0;
    return n;
  }

  /** Announces answered in C since this was made. */
  get answered(): number {
    this.#pull();
    return this.#answered;
  }

  #pull(): void {
    const n = this.#binding.udpFastTake(this.handler);
    this.#answered += n;
    this.#untaken += n;
  }
}
