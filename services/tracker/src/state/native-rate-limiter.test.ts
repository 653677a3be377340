/**
 * The per-address limiter in C (native/rate-limit.c) against KeyedRateLimiter on the same sequences of (address,
 * time): the same decisions and sizes, eviction included; and the binding's answers to bad input. Skipped, naming
 * the reason, when the tracker addon is not built.
 */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { KeyedRateLimiter, ManualClock } from "@switchboard/runtime";
import { skipTest } from "@switchboard/test-support/jest";
import { loadTrackerNative, type TrackerNativeBinding } from "./native-binding.js";
import { NativeRateLimiter } from "./native-rate-limiter.js";
import { addressToBytes } from "./peer-address.js";
import { seededRandom } from "../../test/seeded-random.js";

function addon(): TrackerNativeBinding {
  const { binding, reason } = loadTrackerNative();
  if (binding === undefined) return skipTest(`tracker addon not built: ${reason ?? "unknown"}`);
  return binding;
}

function bytesOf(text: string): Uint8Array {
  const bytes = addressToBytes(text);
  assert.ok(bytes !== undefined, text);
  return bytes;
}

/** Distinct client addresses of both families (no two name the same 16 bytes). */
const ADDRESSES = [
  "10.0.0.1",
  "10.0.0.2",
  "192.168.1.77",
  "127.0.0.1",
  "2001:db8::1",
  "2001:db8::2",
  "fe80::1234:5678",
  "2001:db8:0:1::ff",
  "1.2.3.4",
  "::2",
  "8.8.8.8",
  "2606:4700::1111",
];

describe("NativeRateLimiter", () => {
  const configs = [
    { capacity: 3, refillPerSecond: 2.5, maxKeys: 4 },
    { capacity: 1, refillPerSecond: 0.3, maxKeys: 1 },
    { capacity: 2, refillPerSecond: 0.7, maxKeys: 7 },
    { capacity: 5, refillPerSecond: 0, maxKeys: 20 },
  ];
  for (const [n, opts] of configs.entries()) {
    it(`decides as KeyedRateLimiter does: ${JSON.stringify(opts)}`, () => {
      const binding = addon();
      const clock = new ManualClock();
      const js = new KeyedRateLimiter(opts, clock);
      const c = new NativeRateLimiter(binding, opts, clock);
      const next = seededRandom(0x9e3779b9 + n);
      let allowed = 0;
      let refused = 0;
      for (let step = 0; step < 20_000; step++) {
        const r = next(100);
        // Mostly small steps, some long pauses, and now and then the clock going back (elapsed counts as 0).
        clock.advance(r < 40 ? 0 : r < 90 ? next(60) : r < 97 ? 1000 + next(3000) : -next(500));
        const key = ADDRESSES[next(ADDRESSES.length)] ?? "";
        const expected = js.allow(key);
        assert.equal(c.allow(key, bytesOf(key)), expected, `step ${step}, ${key}`);
        assert.equal(c.size, js.size, `size at step ${step}`);
        if (expected) allowed++;
        else refused++;
      }
      // The sequence exercises both answers (and, with fewer keys than addresses, eviction).
      assert.ok(allowed > 0 && refused > 0, `${allowed} allowed, ${refused} refused`);
      assert.equal(c.size, Math.min(opts.maxKeys, ADDRESSES.length));
    });
  }

  it("agrees over many keys in a larger pool (hash chains, eviction from a full pool)", () => {
    const binding = addon();
    const opts = { capacity: 2, refillPerSecond: 1, maxKeys: 1000 };
    const clock = new ManualClock();
    const js = new KeyedRateLimiter(opts, clock);
    const c = new binding.RateLimiter(opts.capacity, opts.refillPerSecond, opts.maxKeys);
    const next = seededRandom(12345);
    const keys = Array.from({ length: 3000 }, (_, i) => {
      const k = new Uint8Array(16);
      for (let j = 0; j < 16; j++) k[j] = next(256);
      k[0] = i & 0xff;
      k[1] = i >> 8;
      return k;
    });
    let refused = 0;
    for (let step = 0; step < 60_000; step++) {
      clock.advance(next(3));
      // A skewed choice: some keys come back often (refusals), the long tail forces evictions.
      const key = keys[next(4) === 0 ? next(3000) : next(50)] ?? new Uint8Array(16);
      const expected = js.allow(Buffer.from(key).toString("hex"));
      assert.equal(c.allow(key, clock.now()), expected, `step ${step}`);
      if (!expected) refused++;
    }
    assert.equal(c.size, js.size);
    assert.equal(c.size, 1000);
    assert.ok(refused > 0);
  });

  it("keys by the 16 bytes: IPv4 and its IPv4-mapped form share a bucket, the handle spends the same ones", () => {
    const binding = addon();
    const clock = new ManualClock();
    const c = new NativeRateLimiter(binding, { capacity: 2, refillPerSecond: 1, maxKeys: 10 }, clock);
    const allow = (text: string): boolean => c.allow(text, bytesOf(text));
    assert.deepEqual([allow("1.2.3.4"), allow("::ffff:1.2.3.4"), allow("1.2.3.4")], [true, true, false]);
    assert.equal(c.handle.allow(bytesOf("2001:db8::7"), clock.now()), true);
    assert.deepEqual([allow("2001:db8::7"), allow("2001:db8::7")], [true, false]);
    assert.equal(c.size, 2);
    clock.advance(1000);
    assert.deepEqual([allow("::ffff:1.2.3.4"), allow("1.2.3.4")], [true, false]);
  });

  it("refuses bad input with clear errors", () => {
    const binding = addon();
    const l = new binding.RateLimiter(1, 1, 4);
    const bad: unknown[][] = [
      [new Uint8Array(15), 0],
      [new Uint8Array(17), 0],
      [new Uint16Array(16), 0],
      [Buffer.alloc(4), 0],
      ["1.2.3.4", 0],
      [undefined, 0],
      [new Uint8Array(16), Number.NaN],
      [new Uint8Array(16), "1"],
      [new Uint8Array(16)],
    ];
    for (const args of bad)
      assert.throws(
        () => (l.allow as (...a: unknown[]) => boolean)(...args),
        (err: Error & { code?: string }) => err instanceof TypeError && err.code === "ERR_RATE_LIMITER",
        String(args[0]),
      );
    assert.equal(l.size, 0);
    // A Buffer is a Uint8Array: 16 of them are a key.
    assert.equal(l.allow(Buffer.alloc(16, 1), 0), true);
    const Ctor = binding.RateLimiter as unknown as new (...a: unknown[]) => unknown;
    for (const args of [
      [1, 1],
      [1, 1, "4"],
      [Infinity, 1, 4],
    ])
      assert.throws(() => new Ctor(...args), TypeError, JSON.stringify(args));
    for (const args of [
      [-1, 1, 4],
      [1, -1, 4],
      [1, 1, 0],
      [1, 1, 2.5],
      [1, 1, 16_777_217],
    ])
      assert.throws(() => new Ctor(...args), RangeError, JSON.stringify(args));
    // The C announce path takes a RateLimiter or nothing.
    const store = new binding.SwarmStore(600, 1, Date.now());
    try {
      assert.throws(
        () => binding.udpFastCreate(store, new Uint8Array(32), 1800, 50, 200, {} as never),
        /RateLimiter/,
      );
      assert.equal(typeof binding.udpFastCreate(store, new Uint8Array(32), 1800, 50, 200, l), "object");
      assert.equal(
        typeof binding.udpFastCreate(store, new Uint8Array(32), 1800, 50, 200, undefined),
        "object",
      );
    } finally {
      store.close();
    }
  });
});
