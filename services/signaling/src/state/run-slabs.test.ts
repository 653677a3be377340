import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { FrameRun } from "./outbound.js";
import { RunSlabs } from "./run-slabs.js";

describe("RunSlabs", () => {
  it("hands out pieces that do not overlap while they are not written", () => {
    const slabs = new RunSlabs(1024);
    const a = slabs.take(200)!;
    const b = slabs.take(200)!;
    a.bytes.fill(1);
    b.bytes.fill(2);
    assert.equal(a.bytes.buffer, b.bytes.buffer);
    assert.ok(a.bytes.every((x) => x === 1));
    assert.ok(b.bytes.every((x) => x === 2));
  });

  it("reuses a slab's memory once every piece in it is written", () => {
    const slabs = new RunSlabs(1024);
    const first = [slabs.take(256)!, slabs.take(256)!, slabs.take(256)!, slabs.take(256)!];
    for (const p of first) p.written();
    const again = slabs.take(256)!;
    assert.equal(again.bytes.buffer, first[0].bytes.buffer);
    assert.equal(again.bytes.byteOffset, first[0].bytes.byteOffset);
  });

  it("never reuses memory of a piece not reported written (buffered, or its write failed)", () => {
    const slabs = new RunSlabs(1024);
    const kept = slabs.take(256)!;
    const failed = slabs.take(256)!;
    const ok = [slabs.take(256)!, slabs.take(256)!];
    failed.written(new Error("socket closed"));
    for (const p of ok) p.written();
    const next = slabs.take(256)!;
    assert.notEqual(next.bytes.buffer, kept.bytes.buffer);
    assert.equal(slabs.free, 0);
  });

  it("keeps a full slab for later once its pieces are written", () => {
    const slabs = new RunSlabs(1024);
    const old = [slabs.take(256)!, slabs.take(256)!, slabs.take(256)!, slabs.take(256)!];
    const fresh = slabs.take(256)!; // the first slab is full: a second one
    assert.notEqual(fresh.bytes.buffer, old[0].bytes.buffer);
    for (const p of old) p.written();
    assert.equal(slabs.free, 1);
  });

  it("does not serve pieces larger than a quarter of a slab", () => {
    assert.equal(new RunSlabs(1024).take(257), undefined);
  });
});

describe("FrameRun in reused memory", () => {
  const payloads = [Buffer.from('{"a":1}'), Buffer.from('{"b":2}')];

  it("is written from a slab and handed back by the write callback", () => {
    const slabs = new RunSlabs(1024);
    const run = FrameRun.of("signal", payloads, slabs);
    assert.ok(run.written !== undefined);
    assert.deepEqual([...run.wire], [0x81, 7, ...payloads[0], 0x81, 7, ...payloads[1]]);
    run.written();
    const next = FrameRun.of("signal", payloads, slabs);
    assert.equal(next.wire.byteOffset, run.wire.byteOffset);
  });

  it("gives copies of its frames to whoever keeps them", () => {
    const slabs = new RunSlabs(1024);
    const run = FrameRun.of("signal", payloads, slabs);
    const kept = run.frames();
    run.wire.fill(0);
    assert.deepEqual(
      kept.map((f) => Buffer.from(f.payload).toString()),
      ['{"a":1}', '{"b":2}'],
    );
  });
});
