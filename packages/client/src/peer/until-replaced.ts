/**
 * A closed RTCPeerConnection never settles the operations still pending on it (W3C webrtc-pc: "if connection is
 * closed, abort these steps"), so a signal handler awaiting one would stall every later signal of the link. Each
 * connection gets a {@link Lifetime}; operations on it are awaited through {@link untilEnded}.
 */
export class Lifetime {
  readonly ended: Promise<void>;
  #end!: () => void;

  constructor() {
    this.ended = new Promise<void>((resolve) => (this.#end = resolve));
  }

  end(): void {
    this.#end();
  }
}

/** `op`'s outcome, or undefined as soon as `lifetime` ends (whichever comes first; a rejection passes through). */
export function untilEnded<T>(op: Promise<T>, lifetime: Lifetime): Promise<T | undefined> {
  return Promise.race([op, lifetime.ended.then(() => undefined)]);
}
