import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { addressToBytes } from "./peer-address.js";
import { SlabAllocator } from "./slab-allocator.js";
import { FLAG_HAS_KEY, PAGE, PeerArena } from "./peer-arena.js";
import { MATCH_CROWDED, MATCH_KEY_MISMATCH, MATCH_NONE, slotAt, Swarm } from "./swarm.js";

const v4 = (text: string): Uint8Array => addressToBytes(text) ?? new Uint8Array(16);

describe("PeerArena (packed peer records)", () => {
  it("finds, adds and removes thousands of peers in any order", () => {
    const arena = new PeerArena(false, 12345, new SlabAllocator());
    const refs = Array.from({ length: 3000 }, (_, i) => i + 1);
    for (const ref of refs) {
      assert.equal(arena.find(ref), -1);
      arena.add(ref);
    }
    assert.equal(arena.count, 3000);
    for (const ref of refs) assert.equal(arena.ref(arena.find(ref)), ref);
    // remove every other peer, checking all remaining stay findable
    for (let i = 0; i < refs.length; i += 2) arena.remove(arena.find(refs[i] ?? 0));
    assert.equal(arena.count, 1500);
    refs.forEach((ref, i) => assert.equal(arena.find(ref) >= 0, i % 2 === 1));
    arena.trim();
    refs.forEach((ref, i) => assert.equal(arena.find(ref) >= 0, i % 2 === 1));
  });

  it("switches between no index, a 16-bit and a 32-bit index as it grows and shrinks", () => {
    const arena = new PeerArena(false, 99, new SlabAllocator());
    const total = 70_000;
    for (let ref = 1; ref <= total; ref++) {
      arena.add(ref);
      if (ref === 20) assert.equal(arena.indexed, false, "small arenas scan");
      if (ref === 40) assert.equal(arena.indexed, true);
    }
    for (let ref = 1; ref <= total; ref += 997) assert.equal(arena.ref(arena.find(ref)), ref);
    assert.equal(arena.find(total + 1), -1);
    for (let ref = 1; ref <= total - 10; ref++) arena.remove(arena.find(ref));
    arena.trim();
    assert.equal(arena.indexed, false);
    for (let ref = total - 9; ref <= total; ref++) assert.equal(arena.ref(arena.find(ref)), ref);
    assert.equal(arena.find(1), -1);
  });

  it("finds every record at every size, across the index's entry widths", () => {
    const arena = new PeerArena(false, 5, new SlabAllocator());
    // 4,095 records fit 16-bit entries with a tag; an index built at 51,409 records holds up to 67,238 before
    // its next rebuild (slot + 1 past 65,535: the width must be chosen for what it will hold, not for `count`).
    const checks = new Set([4000, 4095, 4096, 4200, 5400, 51_408, 51_409, 65_535, 65_536, 67_000, 67_238]);
    for (let ref = 1; ref <= 67_300; ref++) {
      const slot = arena.add(ref * 7919);
      assert.equal(arena.find(ref * 7919), slot);
      if (!checks.has(ref)) continue;
      for (let r = 1; r <= ref; r++)
        assert.equal(arena.ref(arena.find(r * 7919)), r * 7919, `${r} of ${ref}`);
      assert.equal(arena.find(7), -1);
    }
  });

  it("gives its pages and index back to the allocator, which reuses them", () => {
    const alloc = new SlabAllocator();
    const fill = (salt: number): PeerArena => {
      const arena = new PeerArena(false, salt, alloc);
      for (let ref = 1; ref <= 1000; ref++) arena.add(ref);
      return arena;
    };
    const first = fill(1);
    const carved = alloc.bytesCarved;
    assert.equal(alloc.bytesInUse, first.bytes);
    first.release();
    assert.equal(alloc.bytesInUse, 0);
    const second = fill(2);
    assert.equal(alloc.bytesCarved, carved, "no new memory carved");
    for (let ref = 1; ref <= 1000; ref++) assert.equal(second.ref(second.find(ref)), ref);
  });

  it("keeps an IPv4 peer at ≤ 24 bytes with its share of the index", () => {
    const arena = new PeerArena(false, 1, new SlabAllocator());
    for (let i = 1; i <= 1000; i++) arena.add(i);
    assert.ok(arena.bytes / arena.count <= 24, `bytes per peer ${arena.bytes / arena.count}`);
  });

  it("keeps its byte count in step with its pages and index as it grows and shrinks", () => {
    const arena = new PeerArena(false, 3, new SlabAllocator());
    const empty = arena.bytes;
    let last = empty;
    for (let i = 1; i <= 5 * PAGE; i++) {
      arena.add(i);
      assert.ok(arena.bytes >= last, "bytes never shrink while adding");
      last = arena.bytes;
    }
    // 5 pages of 128 records: 12 bytes of words + 6 of address each, plus an index of ≥ 640 16-bit entries.
    assert.ok(arena.bytes >= 5 * PAGE * 18 + 640 * 2, `bytes ${arena.bytes}`);
    for (let i = 1; i <= 5 * PAGE; i++) arena.remove(arena.find(i));
    arena.trim();
    assert.ok(arena.bytes < 200, `bytes after trim ${arena.bytes}`);
    assert.ok(arena.bytes >= empty - 64 && arena.bytes > 0);
  });

  it("writes and reads back fields, the address in compact form", () => {
    const arena = new PeerArena(false, 7, new SlabAllocator());
    const slot = arena.add(42);
    arena.write(slot, v4("192.0.2.9"), 6881, 5, 0xdeadbeef, 99);
    assert.equal(arena.flags(slot), 5);
    assert.equal(arena.key(slot), 0xdeadbeef);
    assert.equal(arena.expires(slot), 99);
    assert.ok(arena.sameAddress(slot, v4("192.0.2.9")));
    assert.ok(!arena.sameAddress(slot, v4("192.0.2.8")));
    const out = new Uint8Array(24).fill(0xee);
    arena.copyAddresses(0, 1, out, 2);
    assert.deepEqual([...out.subarray(0, 9)], [0xee, 0xee, 192, 0, 2, 9, 0x1a, 0xe1, 0xee]);
    const six = new PeerArena(true, 7, new SlabAllocator());
    const ip6 = addressToBytes("2001:db8::1") ?? new Uint8Array(16);
    six.write(six.add(1), ip6, 443, 0, 0, 1);
    six.copyAddresses(0, 1, out, 0);
    assert.deepEqual(Buffer.from(out.subarray(0, 18)), Buffer.concat([ip6, Buffer.from([1, 0xbb])]));
  });
});

describe("Swarm.match", () => {
  it("finds a peer id by address, a keyed one by key, and refuses a fifth address", () => {
    const swarm = new Swarm(3, new SlabAllocator());
    const arena = swarm.arena(0);
    const keyed = arena.add(1);
    arena.write(keyed, v4("10.0.0.1"), 1, FLAG_HAS_KEY, 77, 9);
    assert.equal(slotAt(swarm.match(1, v4("10.0.0.1"), undefined)), keyed);
    assert.equal(slotAt(swarm.match(1, v4("10.0.0.2"), 77)), keyed);
    assert.equal(swarm.match(1, v4("10.0.0.2"), 78), MATCH_KEY_MISMATCH);
    assert.equal(swarm.match(2, v4("10.0.0.1"), undefined), MATCH_NONE);
    for (let n = 1; n <= 4; n++) arena.write(arena.add(5), v4(`10.0.1.${n}`), 1, 0, 0, 9);
    assert.equal(swarm.match(5, v4("10.0.1.9"), undefined), MATCH_CROWDED);
    assert.ok(swarm.match(5, v4("10.0.1.3"), undefined) >= 0);
    assert.equal(swarm.match(0, randomBytes(16), undefined), MATCH_NONE);
  });
});

describe("peer lists across pages", () => {
  it("hands out distinct peers, never the announcing one, from swarms spanning several pages", async () => {
    const { MemorySwarmStore } = await import("./memory-swarm-store.js");
    const { ManualClock } = await import("@switchboard/runtime");
    const store = new MemorySwarmStore({ clock: new ManualClock(), peerTtlSeconds: 60 });
    const infoHash = Buffer.alloc(20, 3);
    const peer = (n: number) => ({
      infoHash,
      peerId: Buffer.concat([Buffer.alloc(16, 7), Buffer.from(Uint32Array.of(n).buffer)]),
      ip: v4(`10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`),
      port: 1000 + (n % 60000),
      seeder: false,
      key: undefined,
      kind: "ip" as const,
      remove: false,
      completed: false,
    });
    const total = PAGE * 3 + 17;
    for (let n = 1; n <= total; n++)
      assert.ok(store.announce(peer(n), { numwant: 0, family: "v4", withIds: false }).ok);
    for (let round = 0; round < 30; round++) {
      const self = 1 + ((round * 97) % total);
      const out = store.announce(peer(self), { numwant: total, family: "v4", withIds: true });
      assert.ok(out.ok);
      assert.equal(out.peers.compact4.length, (total - 1) * 6);
      const seen = new Set<string>();
      for (let i = 0; i < total - 1; i++)
        seen.add(Buffer.from(out.peers.compact4.subarray(i * 6, i * 6 + 4)).join("."));
      assert.equal(seen.size, total - 1, "all distinct");
      assert.ok(!seen.has(`10.${self >> 16}.${(self >> 8) & 255}.${self & 255}`), "never itself");
      const ids = out.peers.ids4 ?? new Uint8Array(0);
      for (let i = 0; i < total - 1; i++) {
        const n = Buffer.from(ids.subarray(i * 20 + 16, i * 20 + 20)).readUInt32LE(0);
        const addr = Buffer.from(out.peers.compact4.subarray(i * 6, i * 6 + 4)).join(".");
        assert.equal(addr, `10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`, "id and address of one peer");
      }
    }
    // half leave: records move across pages and stay consistent
    for (let n = 1; n <= total; n += 2)
      store.announce({ ...peer(n), remove: true }, { numwant: 0, family: "v4", withIds: false });
    store.sweep();
    const rest = store.announce(peer(2), { numwant: total, family: "v4", withIds: false });
    assert.ok(rest.ok);
    assert.equal(rest.peers.compact4.length, (Math.floor(total / 2) - 1) * 6);
  });
});
