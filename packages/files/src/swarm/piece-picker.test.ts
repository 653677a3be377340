import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { Bitfield } from "../bitfield.js";
import { BLOCK_SIZE } from "../piece-size.js";
import { PiecePicker } from "./piece-picker.js";

const PIECE = 4 * BLOCK_SIZE;
const bits = (n: number, set: number[]): Bitfield => {
  const b = new Bitfield(n);
  for (const i of set) b.set(i);
  return b;
};
const picker = (n: number, random = Math.random): PiecePicker =>
  new PiecePicker({
    pieceCount: n,
    pieceLength: (i) => (i === n - 1 ? PIECE - 100 : PIECE),
    have: new Bitfield(n),
    random,
  });

describe("PiecePicker", () => {
  it("picks the rarest piece first, breaking ties at random", () => {
    const p = picker(4, () => 0.99);
    p.addPeer("a", Bitfield.full(4));
    p.addPeer("b", bits(4, [0, 1, 3]));
    p.addPeer("c", bits(4, [0, 3]));
    // availability: 0→3, 1→2, 2→1, 3→3; a's rarest is 2.
    assert.deepEqual(new Set(p.pick("a", 4).map((s) => s.piece)), new Set([2]));
    // b: rarest it has, not active, is 1
    assert.equal(p.pick("b", 1)[0].piece, 1);
    // c: ties between 0 and 3 (3 each) → random 0.99 picks the last
    assert.equal(p.pick("c", 1)[0].piece, 3);
  });

  it("finishes started pieces before starting new ones, and sizes the last block", () => {
    const p = picker(3);
    p.addPeer("a", Bitfield.full(3));
    p.addPeer("b", Bitfield.full(3));
    const first = p.pick("a", 2);
    assert.equal(first.length, 2);
    const second = p.pick("b", 2);
    assert.ok(
      second.every((s) => s.piece === first[0].piece),
      "b continues a's piece",
    );
    const all = [...p.pick("a", 100), ...first, ...second];
    const last = all
      .filter((s) => s.piece === 2)
      .sort((x, y) => x.offset - y.offset)
      .at(-1)!;
    assert.equal(last.length, PIECE - 100 - 3 * BLOCK_SIZE);
    assert.equal(new Set(all.map((s) => `${s.piece}:${s.offset}`)).size, 12);
  });

  it("reports completion and cancels endgame duplicates", () => {
    const p = picker(1);
    p.addPeer("a", Bitfield.full(1));
    p.addPeer("b", Bitfield.full(1));
    const a = p.pick("a", 10);
    assert.equal(a.length, 4);
    const b = p.pick("b", 10); // endgame: every block is requested, so b duplicates them
    assert.equal(b.length, 4);
    const r0 = p.blockReceived("b", 0, 0);
    assert.deepEqual(r0.cancel, [{ peer: "a", span: a[0] }]);
    assert.equal(p.blockReceived("a", 0, 0).accepted, false, "late duplicate is not accepted");
    for (const s of a.slice(1)) {
      const r = p.blockReceived("a", s.piece, s.offset);
      assert.equal(r.accepted, true);
      assert.equal(r.cancel[0].peer, "b");
    }
    assert.equal(p.blockReceived("a", 0, 3 * BLOCK_SIZE).pieceDone, false);
    p.pieceVerified(0);
    assert.equal(p.complete, true);
    assert.deepEqual(p.pick("a", 10), []);
  });

  it("does not accept blocks nobody asked for", () => {
    const p = picker(2);
    p.addPeer("a", Bitfield.full(2));
    assert.equal(p.blockReceived("a", 0, 0).accepted, false);
    const [s] = p.pick("a", 1);
    assert.equal(p.blockReceived("b", s.piece, s.offset).accepted, false);
    assert.equal(p.blockReceived("a", s.piece, s.offset + 1).accepted, false);
  });

  it("after a hash failure refetches from a peer that did not deliver it, whole", () => {
    const p = picker(1);
    p.addPeer("liar", Bitfield.full(1));
    p.addPeer("honest", Bitfield.full(1));
    p.addPeer("third", Bitfield.full(1));
    for (const s of p.pick("liar", 10)) p.blockReceived("liar", s.piece, s.offset);
    p.pieceFailed(0, ["liar"]);
    assert.deepEqual(p.pick("liar", 10), [], "the liar is avoided while others have the piece");
    assert.equal(p.pick("honest", 2).length, 2);
    assert.deepEqual(p.pick("third", 10), [], "the refetch is exclusive to one peer");
    assert.equal(p.pick("honest", 10).length, 2);
  });

  it("falls back to an avoided peer when it is the only one with the piece", () => {
    const p = picker(1);
    p.addPeer("liar", Bitfield.full(1));
    p.pieceFailed(0, ["liar"]);
    assert.equal(p.pick("liar", 10).length, 4);
  });

  it("releases a departed peer's requests to others and tracks availability", () => {
    const p = picker(2);
    p.addPeer("a", Bitfield.full(2));
    p.addPeer("b", bits(2, [0]));
    p.pick("a", 4);
    p.removePeer("a");
    assert.equal(p.availability(1), 0);
    assert.equal(p.pick("b", 10).length, 4);
    p.peerHave("b", 1);
    assert.equal(p.availability(1), 1);
  });
});
