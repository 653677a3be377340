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

  it("throws on bytes that are not RESP", () => {
    for (const bad of ["?x\r\n", ":1\rx", ":abc\r\n", "$3\r\nabcd\r\n"])
      assert.throws(() => new RespReader().feed(Buffer.from(bad), () => undefined), Error, bad);
  });
});
