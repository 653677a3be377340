/** When to try reconnecting: `null` means give up. Injected, so tests and apps choose their own. */
export interface BackoffPolicy {
  /** Delay before attempt number `attempt` (0-based), ms, or null to stop retrying. */
  nextDelayMs(attempt: number, elapsedMs: number): number | null;
}

export interface ExponentialBackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  /** Stop after this long without success, ms (default: 5 min). */
  readonly giveUpAfterMs?: number;
  /** 0..1: share of the delay randomised (default 0.2). */
  readonly jitter?: number;
  readonly random?: () => number;
}

/** Exponential backoff with jitter: 0, initial, 2×, 4×… capped at `maxMs`, giving up after `giveUpAfterMs`. */
export function exponentialBackoff(opts: ExponentialBackoffOptions = {}): BackoffPolicy {
  const initial = opts.initialMs ?? 300;
  const max = opts.maxMs ?? 10_000;
  const giveUp = opts.giveUpAfterMs ?? 300_000;
  const jitter = opts.jitter ?? 0.2;
  const random = opts.random ?? Math.random;
  return {
    nextDelayMs(attempt, elapsedMs) {
      if (elapsedMs >= giveUp) return null;
      if (attempt === 0) return 0;
      const base = Math.min(max, initial * 2 ** (attempt - 1));
      return Math.round(base * (1 - jitter + 2 * jitter * random()));
    },
  };
}
