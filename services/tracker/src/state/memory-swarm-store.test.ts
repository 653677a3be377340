import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import { MemorySwarmStore } from "./memory-swarm-store.js";
import { addressToBytes } from "./peer-address.js";
import type { PeerUpdate, SwarmStore } from "./swarm-store.js";
import { MEMORY_STORES } from "../../test/memory-stores.js";

const hash = Buffer.alloc(20, 1);
const id = (n: number): Buffer => Buffer.alloc(20, n);
const update = (n: number, over: Partial<PeerUpdate> = {}): PeerUpdate => ({
  infoHash: hash,
  peerId: id(n),
  ip: addressToBytes(`10.0.0.${n}`) ?? new Uint8Array(16),
  port: 6000 + n,
  seeder: false,
  key: undefined,
  kind: "ip",
  remove: false,
  completed: false,
  ...over,
});
const all = { numwant: 50, family: "both", withIds: true } as const;
const figures = (store: SwarmStore): { torrents: number; seeders: number; leechers: number } => {
  const { torrents, seeders, leechers } = store.totals();
  return { torrents, seeders, leechers };
};

describe.each(MEMORY_STORES)("$name", ({ make }) => {
  it("lists other peers, never the announcing one, compact IPv4 and IPv6", () => {
    const store = make({ clock: new ManualClock(), peerTtlSeconds: 60 });
    store.announce(update(1), all);
    store.announce(update(2, { ip: addressToBytes("2001:db8::2") ?? new Uint8Array(16), seeder: true }), all);
    const out = store.announce(update(3), all);
    assert.ok(out.ok);
    assert.deepEqual(out.counts, { complete: 1, incomplete: 2, downloaded: 0 });
    assert.deepEqual(Buffer.from(out.peers.compact4), Buffer.from([10, 0, 0, 1, 0x17, 0x71]));
    assert.equal(out.peers.compact6.length, 18);
    assert.deepEqual(Buffer.from(out.peers.ids4 ?? []), id(1));
    assert.deepEqual(Buffer.from(out.peers.ids6 ?? []), id(2));
    assert.deepEqual(figures(store), { torrents: 1, seeders: 1, leechers: 2 });
  });

  it("keeps counts incrementally through completed and stopped, and drops empty swarms", () => {
    const store = make({ clock: new ManualClock(), peerTtlSeconds: 60 });
    store.announce(update(1), all);
    const done = store.announce(update(1, { seeder: true, completed: true }), all);
    assert.ok(done.ok);
    assert.deepEqual(done.counts, { complete: 1, incomplete: 0, downloaded: 1 });
    store.announce(update(1, { remove: true }), all);
    assert.deepEqual(figures(store), { torrents: 0, seeders: 0, leechers: 0 });
    assert.deepEqual(store.scrape([hash]), [{ complete: 0, incomplete: 0, downloaded: 0 }]);
  });

  it("expires peers that stop announcing", () => {
    const clock = new ManualClock();
    const store = make({ clock, peerTtlSeconds: 60 });
    store.announce(update(1), all);
    clock.advance(30_000);
    store.announce(update(2), all);
    clock.advance(31_000);
    assert.equal(store.sweep(), 1);
    assert.deepEqual(figures(store), { torrents: 1, seeders: 0, leechers: 1 });
    assert.ok((store.totals().peerBytes ?? 0) > 0);
    clock.advance(60_000);
    assert.equal(store.sweep(), 1);
    assert.equal(store.totals().torrents, 0);
    assert.equal(store.totals().peerBytes, 0);
  });

  it("honours key: a new address needs the same key", () => {
    const store = make({ clock: new ManualClock(), peerTtlSeconds: 60 });
    store.announce(update(1, { key: 42 }), all);
    const moved = addressToBytes("10.9.9.9") ?? new Uint8Array(16);
    assert.deepEqual(store.announce(update(1, { ip: moved, key: 7 }), all), {
      ok: false,
      failure: "KEY_MISMATCH",
    });
    assert.equal(store.announce(update(1, { ip: moved, key: 42 }), all).ok, true);
    const other = store.announce(update(2), all);
    assert.ok(other.ok);
    assert.deepEqual(Buffer.from(other.peers.compact4.subarray(0, 4)), Buffer.from([10, 9, 9, 9]));
    assert.equal(store.totals().leechers, 2);
  });

  it("lists a keyless peer id from at most four addresses (one probe chain stays short)", () => {
    const store = make({ clock: new ManualClock(), peerTtlSeconds: 60 });
    for (let n = 1; n <= 4; n++)
      assert.ok(
        store.announce(update(1, { ip: addressToBytes(`10.0.1.${n}`) ?? new Uint8Array(16) }), all).ok,
      );
    const fifth = { ip: addressToBytes("10.0.1.5") ?? new Uint8Array(16) };
    assert.deepEqual(store.announce(update(1, fifth), all), { ok: false, failure: "PEER_ID_CROWDED" });
    assert.ok(store.announce(update(1, { ...fifth, remove: true }), all).ok);
    assert.equal(store.totals().leechers, 4);
  });

  it("keeps WebSocket peers apart from TCP peers", () => {
    const store = make({ clock: new ManualClock(), peerTtlSeconds: 60 });
    store.announce(update(1), all);
    store.announce(update(2, { kind: "ws", port: 0 }), all);
    const ws = store.announce(update(3, { kind: "ws", port: 0 }), all);
    assert.ok(ws.ok);
    assert.deepEqual(Buffer.from(ws.peers.wsPeerIds), id(2));
    assert.equal(ws.peers.compact4.length, 0);
    const tcp = store.announce(update(4), all);
    assert.ok(tcp.ok);
    assert.equal(tcp.peers.compact4.length, 6);
  });

  it("caps numwant and hands peers out from a random start", () => {
    const store = make({ clock: new ManualClock(), peerTtlSeconds: 60 });
    for (let i = 1; i <= 100; i++) store.announce(update(i), all);
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const out = store.announce(update(101), { numwant: 5, family: "v4", withIds: false });
      assert.ok(out.ok);
      assert.equal(out.peers.compact4.length, 30);
      seen.add(Buffer.from(out.peers.compact4).toString("hex"));
    }
    assert.ok(seen.size > 10);
  });

  it("writes a one-family selection into the caller's buffer when it fits, the same peers as its own lists", () => {
    const store = make({ clock: new ManualClock(), peerTtlSeconds: 60 });
    // 300 IPv4 peers (three pages: runs wrap and cross page ends) and 3 IPv6 ones.
    const v4 = (i: number): Partial<PeerUpdate> => ({
      peerId: Buffer.alloc(20, `p${i}`),
      ip: addressToBytes(`10.0.${i >> 8}.${i & 255}`) ?? new Uint8Array(16),
    });
    const v6 = (i: number): Partial<PeerUpdate> => ({
      ip: addressToBytes(`2001:db8::${i}`) ?? new Uint8Array(16),
    });
    for (let i = 1; i <= 300; i++) store.announce(update(i, v4(i)), all);
    for (let i = 1; i <= 3; i++) store.announce(update(i, v6(i)), all);
    const listed = (b: Uint8Array, w: number): string[] =>
      Array.from({ length: b.length / w }, (_, k) =>
        Buffer.from(b.subarray(k * w, (k + 1) * w)).toString("hex"),
      );
    const whole = store.announce(update(7, v4(7)), { numwant: 400, family: "v4", withIds: false });
    assert.ok(whole.ok);
    const everyone = new Set(listed(whole.peers.compact4, 6));
    assert.equal(everyone.size, 299, "every IPv4 peer but the announcing one");
    const bytes = Buffer.alloc(40 + 200 * 6, 0xee);
    // The list goes at `at`, below `end`: bytes before and after stay as they were.
    const target = { bytes, at: 20, end: 20 + 200 * 6, written: -1 };
    for (let round = 0; round < 20; round++) {
      target.written = -1;
      const out = store.announce(update(7, v4(7)), {
        numwant: 200,
        family: "v4",
        withIds: false,
        into: target,
      });
      assert.ok(out.ok);
      assert.equal(out.peers.compact4.length, 0, "the list is in place, not in `peers`");
      assert.equal(target.written, 200 * 6);
      assert.ok(
        bytes.subarray(0, 20).every((x) => x === 0xee),
        "nothing written before `at`",
      );
      assert.ok(
        bytes.subarray(20 + 200 * 6).every((x) => x === 0xee),
        "nothing written from `end` on",
      );
      const got = listed(bytes.subarray(20, 20 + 200 * 6), 6);
      assert.equal(new Set(got).size, 200, "no peer twice");
      for (const p of got) assert.ok(everyone.has(p), `${p} is a listed peer, not the announcing one`);
    }
    target.written = -1;
    const six = store.announce(update(1, v6(1)), { numwant: 50, family: "v6", withIds: false, into: target });
    assert.ok(six.ok);
    assert.equal(target.written, 2 * 18);
    assert.deepEqual(listed(bytes.subarray(20, 20 + 36), 18).sort(), [
      "20010db80000000000000000000000021772",
      "20010db80000000000000000000000031773",
    ]);
    // Too many for the room: a list of its own, the buffer untouched.
    const small = Buffer.alloc(20 + 10 * 6, 0xee);
    const smallTarget = { bytes: small, at: 20, end: small.length, written: -1 };
    const big = store.announce(update(7, v4(7)), {
      numwant: 50,
      family: "v4",
      withIds: false,
      into: smallTarget,
    });
    assert.ok(big.ok);
    assert.equal(smallTarget.written, -1);
    assert.equal(big.peers.compact4.length, 50 * 6);
    assert.notEqual(big.peers.compact4.buffer, small.buffer);
    assert.ok(small.every((x) => x === 0xee));
  });
});

describe("MemorySwarmStore (TypeScript) memory", () => {
  it("reuses the memory of dropped swarms for new ones", () => {
    const clock = new ManualClock();
    const store = new MemorySwarmStore({ clock, peerTtlSeconds: 60 });
    const fill = (round: number): void => {
      for (let t = 0; t < 25; t++)
        for (let p = 1; p <= 250; p++)
          assert.ok(store.announce(update(p, { infoHash: Buffer.alloc(20, round * 25 + t + 1) }), all).ok);
    };
    fill(0);
    const carved = store.slabs().carvedBytes;
    clock.advance(61_000);
    assert.equal(store.sweep(), 6250);
    assert.equal(store.slabs().freeBytes, carved, "every block freed");
    fill(1);
    assert.equal(store.slabs().carvedBytes, carved, "refilled from freed blocks");
    assert.deepEqual(figures(store), { torrents: 25, seeders: 0, leechers: 6250 });
  });
});
