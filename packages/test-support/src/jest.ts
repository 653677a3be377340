/**
 * Jest helpers. `skipTest(reason)` ends the running test and has jest report it as skipped (not passed), with
 * the reason appended to its name: the repository's jest environment (scripts/jest/environment.mjs) turns the
 * error it throws into a skip. Jest has no built-in way to skip from inside a running test.
 */
export const SKIP_MARK = "switchboardSkip";

export function skipTest(reason: string): never {
  const err = new Error(`skipped: ${reason}`);
  Object.defineProperty(err, SKIP_MARK, { value: reason, enumerable: false });
  throw err;
}
