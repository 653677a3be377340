/**
 * The C store against the TypeScript one doing the same announces (counts, peer sets, sweeps, bytes held), and
 * the binding's answers to bad input. Skipped, naming the reason, when the tracker addon is not built.
 */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { ManualClock } from "@switchboard/runtime";
import { skipTest } from "@switchboard/test-support/jest";
import { MemorySwarmStore } from "./memory-swarm-store.js";
import { loadTrackerNative, type TrackerNativeBinding } from "./native-binding.js";
import { NativeSwarmStore } from "./native-swarm-store.js";
import { addressToBytes } from "./peer-address.js";
import type { PeerSelection, PeerUpdate, StoreAnnounceOutcome } from "./swarm-store.js";
import { seededRandom } from "../../test/seeded-random.js";

function addon(): TrackerNativeBinding {
  const { binding, reason } = loadTrackerNative();
  if (binding === undefined) return skipTest(`tracker addon not built: ${reason ?? "unknown"}`);
  return binding;
}

/** Both stores on one clock. */
function pair(ttl = 600): { clock: ManualClock; js: MemorySwarmStore; c: NativeSwarmStore } {
  const binding = addon();
  const clock = new ManualClock();
  return {
    clock,
    js: new MemorySwarmStore({ clock, peerTtlSeconds: ttl }),
    c: new NativeSwarmStore({ clock, peerTtlSeconds: ttl, binding }),
  };
}

const hashOf = (t: number): Buffer => {
  const b = Buffer.alloc(20, 0x5a);
  b.writeUInt32BE(t, 0);
  return b;
};
const idOf = (p: number): Buffer => {
  const b = Buffer.alloc(20);
  b.write("-NS0001-", "latin1");
  b.writeUInt32BE(p, 16);
  return b;
};
/** Peer p's address: IPv4 for most, IPv6 for every fifth; `moved` gives it another one. */
const ipOf = (p: number, moved = 0): Uint8Array =>
  addressToBytes(
    p % 5 === 0 ? `2001:db8::${(p + 1).toString(16)}:${moved}` : `10.${moved}.${(p >> 8) & 255}.${p & 255}`,
  ) ?? new Uint8Array(16);

const entries = (b: Uint8Array | undefined, width: number): string[] =>
  Array.from({ length: (b?.length ?? 0) / width }, (_, k) =>
    Buffer.from(b?.subarray(k * width, (k + 1) * width) ?? []).toString("hex"),
  ).sort();

/** The outcome with its lists as sorted entries (the stores start their runs at random slots). */
function shape(out: StoreAnnounceOutcome): unknown {
  if (!out.ok) return out;
  const p = out.peers;
  return {
    counts: out.counts,
    compact4: entries(p.compact4, 6),
    compact6: entries(p.compact6, 18),
    ids4: p.ids4 === undefined ? undefined : entries(p.ids4, 20),
    ids6: p.ids6 === undefined ? undefined : entries(p.ids6, 20),
    ws: entries(p.wsPeerIds, 20),
  };
}

const everyone: PeerSelection = { numwant: 1000, family: "both", withIds: true };

describe("NativeSwarmStore (C) against MemorySwarmStore (TypeScript)", () => {
  it("interns peer ids across swarms and releases them with their last record", () => {
    const { js, c } = pair();
    const update = (t: number, p: number, remove = false): PeerUpdate => ({
      infoHash: hashOf(t),
      peerId: idOf(p),
      ip: ipOf(p),
      port: 6881,
      seeder: false,
      key: undefined,
      kind: "ip",
      remove,
      completed: false,
    });
    // 10 clients in 100 swarms each: 1,000 records, 10 ids.
    for (let t = 0; t < 100; t++)
      for (let p = 1; p <= 10; p++) {
        assert.deepEqual(
          shape(c.announce(update(t, p), everyone)),
          shape(js.announce(update(t, p), everyone)),
        );
      }
    assert.deepEqual(c.totals(), js.totals());
    // One more client in every swarm costs its records and one id; 100 clients, one per swarm, 100 ids.
    const { c: other } = pair();
    for (let t = 0; t < 100; t++) for (let p = 1; p <= 10; p++) other.announce(update(t, p), everyone);
    for (let t = 0; t < 100; t++) {
      c.announce(update(t, 11), everyone);
      other.announce({ ...update(t, 1000 + t), ip: ipOf(11) }, everyone);
    }
    const extra = (other.totals().peerBytes ?? 0) - (c.totals().peerBytes ?? 0);
    assert.ok(extra >= 99 * 20, `${extra} bytes more for 100 distinct ids than for one`);
    for (let t = 0; t < 100; t++) c.announce(update(t, 11, true), everyone);
    for (let t = 0; t < 100; t++)
      for (let p = 1; p <= 10; p++) {
        js.announce(update(t, p, true), everyone);
        const out = c.announce(update(t, p, true), everyone);
        assert.ok(out.ok);
      }
    assert.deepEqual(c.totals(), { torrents: 0, seeders: 0, leechers: 0, peerBytes: 0 });
    assert.deepEqual(c.totals(), js.totals());
    // Ids come back as new after their release.
    const again = c.announce(update(1, 3), everyone);
    assert.ok(again.ok);
    assert.deepEqual(again.counts, { complete: 0, incomplete: 1, downloaded: 0 });
  });

  it("keeps the same counts, peers and bytes over 200 swarms × 300 peers with moves, keys, stops and ws peers", () => {
    const { js, c } = pair();
    const next = seededRandom(0x1234567);
    const keys = new Map<number, number>();
    const moved = new Map<number, number>();
    const update = (t: number, p: number): PeerUpdate => {
      const pick = next(100);
      const keyed = p % 3 === 0;
      if (keyed && !keys.has(p)) keys.set(p, next(0x7fffffff));
      if (pick < 3) moved.set(p, (moved.get(p) ?? 0) + 1);
      return {
        infoHash: hashOf(t),
        peerId: idOf(p),
        ip: ipOf(p, moved.get(p) ?? 0),
        port: 1000 + p,
        seeder: next(4) === 0,
        key: keyed ? (pick === 3 ? 1 : keys.get(p)) : undefined,
        kind: p % 11 === 0 ? "ws" : "ip",
        remove: pick >= 95,
        completed: pick === 50,
      };
    };
    const selections: PeerSelection[] = [
      { numwant: 50, family: "v4", withIds: false },
      { numwant: 30, family: "both", withIds: true },
      { numwant: 7, family: "v6", withIds: true },
      { numwant: 50, family: "v4", withIds: false },
      { numwant: 50, family: "both", withIds: false },
      { numwant: 200, family: "v4", withIds: false },
      { numwant: 80, family: "v6", withIds: false },
      { numwant: 1000, family: "both", withIds: false },
    ];
    let compared = 0;
    for (let round = 0; round < 2; round++)
      for (let p = 1; p <= 300; p++)
        for (let t = 0; t < 200; t++) {
          const u = update(t, p);
          const select = selections[(t + p) % selections.length] ?? everyone;
          const a = js.announce(u, select);
          const b = c.announce(u, select);
          assert.equal(b.ok, a.ok);
          if (!a.ok || !b.ok) {
            assert.deepEqual(b, a);
            continue;
          }
          assert.deepEqual(b.counts, a.counts);
          if (select.numwant === 1000) {
            // The whole swarm: the same peers, whatever the start.
            assert.deepEqual(shape(b), shape(a));
            compared++;
          } else {
            for (const k of ["compact4", "compact6", "wsPeerIds"] as const)
              assert.equal(b.peers[k].length, a.peers[k].length, `${k} of ${t}/${p}`);
            assert.equal(b.peers.ids4?.length, a.peers.ids4?.length);
          }
        }
    assert.ok(compared > 5000, `${compared} whole lists compared`);
    assert.deepEqual(
      c.scrape(Array.from({ length: 200 }, (_, t) => hashOf(t))),
      js.scrape(Array.from({ length: 200 }, (_, t) => hashOf(t))),
    );
    const { peerBytes: cBytes, ...cTotals } = c.totals();
    const { peerBytes: jsBytes, ...jsTotals } = js.totals();
    assert.deepEqual(cTotals, jsTotals);
    assert.ok(cTotals.leechers + cTotals.seeders > 40_000);
    // Same pages and indexes; the TypeScript id table also counts its list of freed references.
    assert.ok(Math.abs((cBytes ?? 0) - (jsBytes ?? 0)) <= 300 * 8, `${cBytes} vs ${jsBytes}`);
    const all = (s: MemorySwarmStore | NativeSwarmStore): string[] =>
      s
        .scrapeAll(1000)
        .map((x) => `${Buffer.from(x.infoHash).toString("hex")} ${JSON.stringify(x.counts)}`)
        .sort();
    assert.deepEqual(all(c), all(js));
    assert.equal(c.scrapeAll(10).length, 10);
  }, 120_000);

  it("sweeps at scale as the TypeScript store does, giving back pages and indexes", () => {
    const { clock, js, c } = pair(600);
    const update = (t: number, p: number): PeerUpdate => ({
      infoHash: hashOf(t),
      peerId: idOf(p),
      ip: ipOf(p),
      port: 2000 + p,
      seeder: p % 2 === 0,
      key: p,
      kind: "ip",
      remove: false,
      completed: false,
    });
    const fill = (from: number, to: number): void => {
      for (let t = 0; t < 200; t++)
        for (let p = from; p <= to; p++) {
          js.announce(update(t, p), everyone);
          c.announce(update(t, p), everyone);
        }
    };
    fill(1, 300);
    const full = c.totals().peerBytes ?? 0;
    assert.equal(c.sweep(), 0);
    clock.advance(400_000);
    fill(1, 20); // 20 peers of every swarm announce again; 280 will expire
    clock.advance(300_000);
    const removed = c.sweep();
    assert.equal(removed, 200 * 280);
    assert.equal(js.sweep(), removed);
    const { peerBytes: cBytes, ...cTotals } = c.totals();
    const { peerBytes: jsBytes, ...jsTotals } = js.totals();
    assert.deepEqual(cTotals, jsTotals);
    // Same pages and indexes after the trim; the TypeScript id table also counts its 280 freed references.
    assert.equal((jsBytes ?? 0) - (cBytes ?? 0), 280 * 8);
    const { peerBytes: after } = c.totals();
    assert.ok((after ?? 0) < full / 5, `trimmed: ${after} of ${full} bytes`);
    // What is left is still found: another announce of a survivor updates it in place.
    const out = c.announce(update(3, 7), { numwant: 100, family: "both", withIds: false });
    assert.ok(out.ok);
    assert.deepEqual(out.counts, { complete: 10, incomplete: 10, downloaded: 0 });
    assert.equal(out.peers.compact4.length + out.peers.compact6.length, 15 * 6 + 4 * 18);
    clock.advance(700_000);
    assert.equal(c.sweep(), 200 * 20);
    assert.deepEqual(c.totals(), { torrents: 0, seeders: 0, leechers: 0, peerBytes: 0 });
  }, 60_000);
});

describe("NativeSwarmStore (C) bad input", () => {
  const peer: PeerUpdate = {
    infoHash: Buffer.alloc(20, 1),
    peerId: Buffer.alloc(20, 2),
    ip: addressToBytes("10.0.0.1") ?? new Uint8Array(16),
    port: 1,
    seeder: false,
    key: undefined,
    kind: "ip",
    remove: false,
    completed: false,
  };
  const v4: PeerSelection = { numwant: 10, family: "v4", withIds: false };

  it("refuses wrong lengths and values with a clear error", () => {
    const binding = addon();
    const store = new NativeSwarmStore({ clock: new ManualClock(), peerTtlSeconds: 60, binding });
    assert.throws(
      () => store.announce({ ...peer, infoHash: Buffer.alloc(19) }, v4),
      /infoHash must be 20 bytes/,
    );
    assert.throws(() => store.announce({ ...peer, peerId: Buffer.alloc(21) }, v4), /peerId must be 20 bytes/);
    assert.throws(() => store.announce({ ...peer, ip: Buffer.alloc(4) }, v4), /ip must be 16 bytes/);
    assert.throws(() => store.announce({ ...peer, port: 70_000 }, v4), /port must be 0 to 65535/);
    assert.deepEqual(store.scrape([Buffer.alloc(3)]), [{ complete: 0, incomplete: 0, downloaded: 0 }]);
    const h = store.nativeHandle;
    assert.throws(() => h.scrape(new Uint8Array(21)), /20-byte Uint8Array/);
    assert.throws(() => h.scrape("x" as unknown as Uint8Array), /20-byte Uint8Array/);
    assert.throws(() => h.sweep(-1), /sweep\(now\)/);
    assert.throws(() => h.scrapeAll(1.5), /scrapeAll\(limit\)/);
    assert.throws(() => h.announce([] as unknown as Uint8Array), /announce\(target\): a Uint8Array/);
    assert.throws(
      () => h.announce(new Uint16Array(8) as unknown as Uint8Array),
      /announce\(target\): a Uint8Array/,
    );
    new Uint8Array(h.request)[73] = 5;
    assert.throws(() => h.announce(), /family must be 0, 4 or 6/);
    assert.throws(() => h.announce.call({}), /Illegal invocation|not a swarm store handle/);
    assert.throws(() => new binding.SwarmStore(0, 1, 0), /ttlSeconds must be/);
    assert.throws(() => new binding.SwarmStore("60" as unknown as number, 1, 0), /SwarmStore\(ttlSeconds/);
    // A target too small, or an end past it: the list comes back as usual, the target untouched.
    for (let p = 3; p < 10; p++) store.announce({ ...peer, peerId: Buffer.alloc(20, p) }, v4);
    const bytes = new Uint8Array(16);
    for (const [at, end] of [
      [0, 16],
      [10, 100],
      [4_000_000_000, 4_000_000_100],
    ] as const) {
      const into = { bytes, at, end, written: -1 };
      const out = store.announce(peer, { ...v4, into });
      assert.ok(out.ok);
      assert.equal(into.written, -1);
      assert.equal(out.peers.compact4.length, 7 * 6);
      assert.ok(bytes.every((x) => x === 0));
    }
    // A target that is a view into a larger buffer: the list lands at its own `at`, not the buffer's.
    const whole = new Uint8Array(200);
    const view = whole.subarray(100, 200);
    const into = { bytes: view, at: 10, end: 90, written: -1 };
    assert.ok(store.announce(peer, { ...v4, into }).ok);
    assert.equal(into.written, 7 * 6);
    assert.ok(whole.subarray(0, 110).every((x) => x === 0));
    assert.ok(whole.subarray(110, 110 + 42).some((x) => x !== 0));
    assert.ok(whole.subarray(110 + 42).every((x) => x === 0));
    // After all that, the store still answers.
    const out = store.announce(peer, v4);
    assert.ok(out.ok);
    assert.deepEqual(out.counts, { complete: 0, incomplete: 8, downloaded: 0 });
  });

  it("survives random request blocks", () => {
    const binding = addon();
    const store = new NativeSwarmStore({ clock: new ManualClock(), peerTtlSeconds: 60, binding });
    const h = store.nativeHandle;
    const q = new Uint8Array(h.request);
    let ok = 0;
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      q.set(randomBytes(74));
      // Few distinct torrents and peers so that records meet: keys, moves and crowding.
      q[0] = i & 3;
      q.fill(0, 1, 20);
      q[20] = i & 7;
      q.fill(0, 21, 40);
      // Mostly valid ports and families (the binding refuses the others), else everything random.
      if (i % 10 !== 0) {
        q[58] = 0;
        q[59] = 0;
        q[73] = [0, 4, 6][i % 3] ?? 0;
      }
      // Every other one from its peer's own IPv4 address: it finds its record (others move, crowd, miss keys).
      if (i % 2 === 0) q.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, q[20] ?? 0], 40);
      try {
        const status = h.announce();
        assert.ok(status <= 2, `status ${status}`);
        answered++;
        if (status === 0) ok++;
      } catch (err) {
        assert.match((err as Error).message, /port must be|family must be/);
      }
    }
    assert.ok(answered > 15_000 && ok > 5000, `${answered} answered, ${ok} accepted`);
    const t = store.totals();
    assert.ok(t.torrents <= 4 && t.seeders + t.leechers <= 4 * 8 * 4);
    assert.equal(store.sweep(), 0);
  });

  it("refuses calls once closed, and closes twice without harm", async () => {
    const binding = addon();
    const store = new NativeSwarmStore({ clock: new ManualClock(), peerTtlSeconds: 60, binding });
    assert.ok(store.announce(peer, v4).ok);
    await store.close();
    await store.close();
    assert.throws(() => store.announce(peer, v4), /swarm store is closed/);
    assert.throws(() => store.scrape([peer.infoHash]), /swarm store is closed/);
    assert.deepEqual(store.totals(), { torrents: 0, seeders: 0, leechers: 0, peerBytes: 0 });
    assert.equal(store.sweep(), 0);
  });
});
