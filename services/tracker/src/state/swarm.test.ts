import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { addressToBytes } from "./peer-address.js";
import {
  PeerArena,
  Swarm,
  FLAG_HAS_KEY,
  MATCH_CROWDED,
  MATCH_KEY_MISMATCH,
  MATCH_NONE,
  slotAt,
} from "./swarm.js";

const v4 = (text: string): Uint8Array => addressToBytes(text) ?? new Uint8Array(16);

describe("PeerArena (packed peer records)", () => {
  it("finds, adds and removes thousands of peers in any order", () => {
    const arena = new PeerArena(false, 12345);
    const refs = Array.from({ length: 3000 }, (_, i) => i + 1);
    for (const ref of refs) {
      assert.equal(arena.find(ref), -1);
      arena.add(ref);
    }
    assert.equal(arena.count, 3000);
    for (const ref of refs) assert.equal(arena.refs[arena.find(ref)], ref);
    // remove every other peer, checking all remaining stay findable
    for (let i = 0; i < refs.length; i += 2) arena.remove(arena.find(refs[i] ?? 0));
    assert.equal(arena.count, 1500);
    refs.forEach((ref, i) => assert.equal(arena.find(ref) >= 0, i % 2 === 1));
    arena.trim();
    refs.forEach((ref, i) => assert.equal(arena.find(ref) >= 0, i % 2 === 1));
  });

  it("keeps an IPv4 peer at ≤ 24 bytes with its share of the index", () => {
    const arena = new PeerArena(false, 1);
    for (let i = 1; i <= 1000; i++) arena.add(i);
    assert.ok(arena.bytes / arena.count <= 24, `bytes per peer ${arena.bytes / arena.count}`);
  });

  it("writes and reads back fields, the address in compact form", () => {
    const arena = new PeerArena(false, 7);
    const slot = arena.add(42);
    arena.write(slot, v4("192.0.2.9"), 6881, 5, 0xdeadbeef, 99);
    assert.equal(arena.flags(slot), 5);
    assert.equal(arena.keys[slot], 0xdeadbeef);
    assert.equal(arena.expires(slot), 99);
    assert.ok(arena.sameAddress(slot, v4("192.0.2.9")));
    assert.ok(!arena.sameAddress(slot, v4("192.0.2.8")));
    assert.deepEqual(Buffer.from(arena.addr.subarray(0, 6)), Buffer.from([192, 0, 2, 9, 0x1a, 0xe1]));
    const six = new PeerArena(true, 7);
    const ip6 = addressToBytes("2001:db8::1") ?? new Uint8Array(16);
    six.write(six.add(1), ip6, 443, 0, 0, 1);
    assert.deepEqual(Buffer.from(six.addr.subarray(0, 18)), Buffer.concat([ip6, Buffer.from([1, 0xbb])]));
  });
});

describe("Swarm.match", () => {
  it("finds a peer id by address, a keyed one by key, and refuses a fifth address", () => {
    const swarm = new Swarm(3);
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
