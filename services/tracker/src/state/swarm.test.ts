import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Swarm } from "./swarm.js";

describe("Swarm (packed peer records)", () => {
  it("finds, adds and removes thousands of peers in any order", () => {
    const swarm = new Swarm(12345);
    const ids = Array.from({ length: 3000 }, () => randomBytes(20));
    for (const id of ids) {
      assert.equal(swarm.find(id), -1);
      swarm.add(id);
    }
    assert.equal(swarm.count, 3000);
    for (const id of ids) assert.ok(swarm.find(id) >= 0);
    // remove every other peer, checking all remaining stay findable
    for (let i = 0; i < ids.length; i += 2) swarm.remove(swarm.find(ids[i]));
    assert.equal(swarm.count, 1500);
    ids.forEach((id, i) => assert.equal(swarm.find(id) >= 0, i % 2 === 1));
    swarm.trim();
    ids.forEach((id, i) => assert.equal(swarm.find(id) >= 0, i % 2 === 1));
  });

  it("keeps records at ≤ 64 bytes per peer with its index", () => {
    const swarm = new Swarm(1);
    for (let i = 0; i < 1000; i++) swarm.add(randomBytes(20));
    assert.ok(swarm.bytes / swarm.count <= 64, `bytes per peer ${swarm.bytes / swarm.count}`);
  });

  it("writes and reads back fields", () => {
    const swarm = new Swarm(7);
    const id = randomBytes(20);
    const slot = swarm.add(id);
    const ip = new Uint8Array(16).fill(9);
    swarm.write(slot, { ip, port: 6881, flags: 5, key: 0xdeadbeef, expires: 99 });
    assert.equal(swarm.flags(slot), 5);
    assert.equal(swarm.key(slot), 0xdeadbeef);
    assert.equal(swarm.expires(slot), 99);
    assert.ok(swarm.sameAddress(slot, ip));
    assert.equal(swarm.records.readUInt16BE(slot * 46 + 36), 6881);
  });
});
