import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import { MemorySwarmStore } from "./memory-swarm-store.js";
import { addressToBytes } from "./peer-address.js";
import type { PeerUpdate } from "./swarm-store.js";

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
const figures = (store: MemorySwarmStore): { torrents: number; seeders: number; leechers: number } => {
  const { torrents, seeders, leechers } = store.totals();
  return { torrents, seeders, leechers };
};

describe("MemorySwarmStore", () => {
  it("lists other peers, never the announcing one, compact IPv4 and IPv6", () => {
    const store = new MemorySwarmStore({ clock: new ManualClock(), peerTtlSeconds: 60 });
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
    const store = new MemorySwarmStore({ clock: new ManualClock(), peerTtlSeconds: 60 });
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
    const store = new MemorySwarmStore({ clock, peerTtlSeconds: 60 });
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
    const store = new MemorySwarmStore({ clock: new ManualClock(), peerTtlSeconds: 60 });
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
    const store = new MemorySwarmStore({ clock: new ManualClock(), peerTtlSeconds: 60 });
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
    const store = new MemorySwarmStore({ clock: new ManualClock(), peerTtlSeconds: 60 });
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

  it("caps numwant and hands peers out from a random start", () => {
    const store = new MemorySwarmStore({ clock: new ManualClock(), peerTtlSeconds: 60 });
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
});
