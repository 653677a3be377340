/** A reproducible pseudo-random source for tests (xorshift32): `next(n)` is an integer in [0, n). */
export function seededRandom(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}
