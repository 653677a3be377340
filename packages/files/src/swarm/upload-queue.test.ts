import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { UploadQueue } from "./upload-queue.js";
import type { BlockRef } from "../wire/frames.js";

const root = new Uint8Array(32).fill(7);
const req = (piece: number, offset = 0): BlockRef => ({ root, piece, offset, length: 16384 });
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

describe("UploadQueue", () => {
  it("tells the same block of two files apart, and the same root in a new array from another", async () => {
    const served: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const q = new UploadQueue({
      maxQueued: 10,
      serve: async ([r]) => {
        await gate;
        served.push(`${r.root[0]}:${r.piece}`);
      },
    });
    const other = new Uint8Array(32).fill(8);
    assert.equal(q.push(req(9)), true); // taken by the running server at once
    assert.equal(q.push(req(1)), true);
    assert.equal(q.push({ ...req(1), root: other }), true);
    assert.equal(q.push({ ...req(1), root: new Uint8Array(root) }), true, "merged: same file, same block");
    assert.equal(q.size, 2);
    release();
    await settle();
    assert.deepEqual(served, ["7:9", "7:1", "8:1"]);
  });

  it("serves in order, merges a duplicate while queued, refuses past its cap", async () => {
    const served: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const q = new UploadQueue({
      maxQueued: 3,
      serve: async ([r, ...more]) => {
        assert.equal(more.length, 0, "one at a time without maxBatch");
        await gate;
        served.push(r.piece);
      },
    });
    assert.equal(q.push(req(1)), true); // taken by the running server at once
    assert.equal(q.push(req(2)), true);
    assert.equal(q.push(req(2)), true, "merged into the queued one");
    assert.equal(q.push(req(3)), true);
    assert.equal(q.push(req(4)), true);
    assert.equal(q.push(req(5)), false, "past the cap");
    release();
    await settle();
    assert.deepEqual(served, [1, 2, 3, 4]);
  });

  it("serves one block to one peer at most maxRepeats times within the repeat window", async () => {
    const served: number[] = [];
    const q = new UploadQueue({
      maxQueued: 8,
      maxRepeats: 2,
      serve: ([r]) => Promise.resolve(void served.push(r.piece)),
    });
    assert.equal(q.push(req(1)), true);
    await settle();
    assert.equal(q.push(req(1)), true, "asked again (a refetch after a failed hash): served");
    await settle();
    assert.equal(q.push(req(1)), false, "a third time within the window is refused");
    assert.equal(q.push(req(1, 16384)), true, "another block of the piece is fine");
    await settle();
    assert.deepEqual(served, [1, 1, 1]);
    const again = new UploadQueue({
      maxQueued: 8,
      maxRepeats: 1,
      repeatWindowMs: 0,
      serve: ([r]) => Promise.resolve(void served.push(r.piece)),
    });
    assert.equal(again.push(req(9)), true);
    await settle();
    assert.equal(again.push(req(9)), true, "past the window the count starts over");
  });

  it("serves up to maxBatch queued requests of one file together, in order", async () => {
    const batches: string[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const other = new Uint8Array(32).fill(8);
    let max = 3;
    const q = new UploadQueue({
      maxQueued: 16,
      maxBatch: () => max,
      serve: async (reqs) => {
        await gate;
        batches.push(reqs.map((r) => `${r.root[0]}/${r.piece}/${r.offset}`));
      },
    });
    q.push(req(1)); // taken by the running server at once, alone
    for (let i = 0; i < 4; i++) q.push(req(2, i * 16384));
    q.push({ ...req(3), root: other });
    q.push(req(4));
    q.push(req(5));
    release();
    await settle();
    max = 1;
    q.push(req(6));
    q.push(req(7));
    await settle();
    assert.deepEqual(batches, [
      ["7/1/0"],
      ["7/2/0", "7/2/16384", "7/2/32768"],
      ["7/2/49152"],
      ["8/3/0"],
      ["7/4/0", "7/5/0"],
      ["7/6/0"],
      ["7/7/0"],
    ]);
  });
});
