import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import { PAGE } from "./peer-arena.js";
import { addressToBytes } from "./peer-address.js";
import { randomBelow } from "./peer-selection.js";
import type { PeerUpdate } from "./swarm-store.js";
import { MEMORY_STORES } from "../../test/memory-stores.js";

const hash = Buffer.alloc(20, 3);
/** Peer n (0-based): a distinct id, address and port; joined in order n, so it holds slot n of its arena. */
const update = (n: number, v6: boolean): PeerUpdate => ({
  infoHash: hash,
  peerId: Buffer.from(`-SB0001-${String(n).padStart(12, "0")}`),
  ip:
    addressToBytes(v6 ? `2001:db8::${(n + 1).toString(16)}` : `10.0.${n >> 8}.${n & 0xff}`) ??
    new Uint8Array(16),
  port: 1000 + n,
  seeder: false,
  key: undefined,
  kind: "ip",
  remove: false,
  completed: false,
});

/** The peer numbers a compact list names (by port). */
const portsOf = (list: Uint8Array, width: number): number[] =>
  Array.from({ length: list.length / width }, (_, k) => {
    const end = (k + 1) * width;
    return ((list[end - 2] ?? 0) << 8) + (list[end - 1] ?? 0) - 1000;
  });

/** Whether `got` is the run of peers after some start, wrapping at `count`, without `self`. */
function isRunFromSomeStart(got: number[], count: number, self: number): boolean {
  const first = got[0] ?? -1;
  let expect = first;
  for (const p of got) {
    if (expect === self) expect = (expect + 1) % count;
    if (p !== expect) return false;
    expect = (expect + 1) % count;
  }
  return true;
}

describe.each(MEMORY_STORES)("peer selection: $name", ({ make }) => {
  for (const v6 of [false, true]) {
    it(`hands out consecutive records from a random start, across page ends and the wrap, never the announcing peer (${v6 ? "IPv6" : "IPv4"})`, () => {
      const store = make({ clock: new ManualClock(), peerTtlSeconds: 600 });
      const count = 2 * PAGE + 44;
      for (let n = 0; n < count; n++)
        assert.ok(store.announce(update(n, v6), { numwant: 0, family: "both", withIds: false }).ok);
      const width = v6 ? 18 : 6;
      const bytes = Buffer.alloc(20 + 200 * width + 20, 0xee);
      const target = { bytes, at: 20, end: 20 + 200 * width, written: -1 };
      const starts = new Set<number>();
      let wrapped = 0;
      let crossed = 0;
      for (let round = 0; round < 300; round++) {
        const self = (round * 37) % count;
        target.written = -1;
        const out = store.announce(update(self, v6), {
          numwant: 200,
          family: v6 ? "v6" : "v4",
          withIds: false,
          into: target,
        });
        assert.ok(out.ok);
        assert.equal(target.written, 200 * width);
        const got = portsOf(bytes.subarray(20, 20 + 200 * width), width);
        assert.ok(!got.includes(self), "never the announcing peer");
        assert.equal(new Set(got).size, 200, "no peer twice");
        assert.ok(
          isRunFromSomeStart(got, count, self),
          `a run from one start: ${got.slice(0, 8).join(",")}…`,
        );
        const first = got[0] ?? 0;
        starts.add(first);
        if (got.includes(count - 1) && got.includes(0) && first !== 0) wrapped++;
        if (got.includes(PAGE - 1) && got.includes(PAGE)) crossed++;
        assert.ok(
          bytes.subarray(0, 20).every((x) => x === 0xee),
          "nothing before `at`",
        );
        assert.ok(
          bytes.subarray(20 + 200 * width).every((x) => x === 0xee),
          "nothing from `end` on",
        );
      }
      assert.ok(starts.size > 100, `starts spread over the swarm (${starts.size} distinct)`);
      assert.ok(wrapped > 0 && crossed > 0, "some lists wrapped around, some crossed a page end");
    });
  }
});

describe("peer selection", () => {
  it("draws start offsets below the bound, spread over it", () => {
    for (const n of [1, 2, 7, 1000, 2 ** 31]) {
      for (let i = 0; i < 1000; i++) {
        const r = randomBelow(n);
        assert.ok(Number.isInteger(r) && r >= 0 && r < n, `${r} in [0, ${n})`);
      }
    }
    const seen = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) seen[randomBelow(10)]++;
    for (const c of seen)
      assert.ok(c > 800 && c < 1200, `each of 10 values about 1,000 times: ${seen.join(",")}`);
  });
});
