import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { RespError, RespReader, type RespValue } from "./resp-reader.js";

const STREAM =
  ":1\r\n:-1\r\n+OK\r\n-NOSCRIPT No matching script\r\n$5\r\nhe\r\nl\r\n$-1\r\n$0\r\n\r\n" +
  "*3\r\n$7\r\nmessage\r\n$8\r\nsb:bus:x\r\n$12\r\np\ta\tb\tc\t{é}\r\n*0\r\n";

const EXPECTED: RespValue[] = [
  1,
  -1,
  "OK",
  new RespError("NOSCRIPT No matching script"),
  Buffer.from("he\r\nl"),
  null,
  Buffer.alloc(0),
  [Buffer.from("message"), Buffer.from("sb:bus:x"), Buffer.from("p\ta\tb\tc\t{é}")],
  [],
];

function readAll(chunks: Buffer[]): RespValue[] {
  const reader = new RespReader();
  const out: RespValue[] = [];
  // Copies, as a caller must keep them past the next feed.
  const keep = (v: RespValue): RespValue =>
    Buffer.isBuffer(v) ? Buffer.from(v) : Array.isArray(v) ? v.map(keep) : v;
  for (const c of chunks) reader.feed(c, (v) => out.push(keep(v)));
  return out;
}

describe("RESP reader", () => {
  it("reads every reply type from one chunk", () => {
    assert.deepEqual(readAll([Buffer.from(STREAM)]), EXPECTED);
  });

  it("reads the same replies however the bytes are cut", () => {
    const all = Buffer.from(STREAM);
    assert.deepEqual(readAll([...all].map((b) => Buffer.from([b]))), EXPECTED);
    for (let cut = 1; cut < all.length; cut++) {
      for (const second of [cut + 1, cut + 7, all.length]) {
        const parts = [all.subarray(0, cut), all.subarray(cut, second), all.subarray(second)];
        assert.deepEqual(readAll(parts), EXPECTED, `cut at ${cut}, ${second}`);
      }
    }
  });

  it("hands out a bulk string within one chunk as a view, without copying", () => {
    const chunk = Buffer.from("$3\r\nabc\r\n");
    let got: RespValue = null;
    new RespReader().feed(chunk, (v) => (got = v));
    assert.ok(Buffer.isBuffer(got));
    assert.equal((got as Buffer).buffer, chunk.buffer);
  });

  it("reads replies cut anywhere out of one read buffer that is overwritten between reads", () => {
    const all = Buffer.from(STREAM);
    // As a socket with one read buffer (`onread`) feeds it: the same bytes of memory on every read.
    const readBuffer = Buffer.alloc(all.length);
    for (const size of [1, 3, 7, 16, 41]) {
      const reader = new RespReader();
      const out: RespValue[] = [];
      const keep = (v: RespValue): RespValue =>
        Buffer.isBuffer(v) ? Buffer.from(v) : Array.isArray(v) ? v.map(keep) : v;
      for (let at = 0; at < all.length; at += size) {
        readBuffer.fill(0x3f);
        const n = all.copy(readBuffer, 0, at, at + size);
        reader.feed(readBuffer.subarray(0, n), (v) => out.push(keep(v)));
      }
      assert.deepEqual(out, EXPECTED, `reads of ${size} bytes`);
    }
  });

  it("assembles replies that span reads in one buffer it reuses", () => {
    const reply = (n: number) => Buffer.from(`$${n}\r\n${"x".repeat(n)}\r\n`);
    const reader = new RespReader();
    const seen: Buffer[] = [];
    for (let i = 0; i < 3; i++) {
      const bytes = reply(5000 + i);
      reader.feed(bytes.subarray(0, 1000), () => assert.fail("incomplete"));
      reader.feed(bytes.subarray(1000), (v) => {
        assert.ok(Buffer.isBuffer(v));
        assert.equal(v.length, 5000 + i);
        seen.push(v);
      });
    }
    assert.equal(seen.length, 3);
    assert.equal(seen[1].buffer, seen[0].buffer);
    assert.equal(seen[2].buffer, seen[0].buffer);
  });

  it("throws on bytes that are not RESP", () => {
    for (const bad of ["?x\r\n", ":1\rx", ":abc\r\n", "$3\r\nabcd\r\n"])
      assert.throws(() => new RespReader().feed(Buffer.from(bad), () => undefined), Error, bad);
  });
});
