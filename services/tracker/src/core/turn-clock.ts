import type { Clock } from "@switchboard/runtime";

const RESOLVED = Promise.resolve();

/**
 * A clock read once per run of synchronous work: the first `now()` of a turn asks `source`, later reads in the same
 * turn get that reading, and a microtask forgets it once the turn's code is done. One batch of datagrams (one
 * callback of the native backend, well under a millisecond) then costs one clock read instead of one per
 * connection-id check and one per announce. Time does not move within a turn; expiry counts whole seconds and
 * connection ids 30-second windows, so nothing observes the difference.
 */
export class TurnClock implements Clock {
  readonly #source: Clock;
  #now: number | undefined;
  readonly #forget = (): void => {
    this.#now = undefined;
  };

  constructor(source: Clock) {
    this.#source = source;
  }

  now(): number {
    let now = this.#now;
    if (now === undefined) {
      now = this.#source.now();
      this.#now = now;
      // A promise reaction rather than queueMicrotask: Node's queueMicrotask makes an AsyncResource and a bound
      // function per call (measured on the UDP path, once per batch of datagrams).
      void RESOLVED.then(this.#forget);
    }
    return now;
  }
}
