import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { residentSplit } from "../../bench/tracker/smaps.js";

const mapping = (from: number, kib: number, name: string, rssKib: number): string =>
  `${from.toString(16)}-${(from + kib * 1024).toString(16)} rw-p 00000000 00:00 0          ${name}\n` +
  `Size:             ${kib} kB\nRss:              ${rssKib} kB\nAnonymous:        ${rssKib} kB\n`;

describe("resident memory by kind of mapping", () => {
  it("splits RSS into V8 pages, malloc's heap, other anonymous mappings and files", () => {
    const text =
      mapping(0x400000, 8, "/usr/bin/node", 8) +
      mapping(0x1000000, 2048, "[heap]", 1500) +
      mapping(0x2000000, 256, "", 200) +
      mapping(0x3000000, 256, "", 256) +
      mapping(0x4000000, 1028, "", 900) +
      mapping(0x5000000, 132, "[stack]", 40);
    assert.deepEqual(residentSplit(0, text), {
      file: 8 * 1024,
      mallocHeap: 1500 * 1024,
      v8Pages: 456 * 1024,
      otherAnon: 940 * 1024,
    });
  });

  it("reads a live process: every byte of its RSS lands in one kind", () => {
    const split = residentSplit(process.pid);
    const total = split.file + split.mallocHeap + split.v8Pages + split.otherAnon;
    const rss = process.memoryUsage().rss;
    assert.ok(split.file > 0 && split.v8Pages > 0, JSON.stringify(split));
    assert.ok(Math.abs(total - rss) < 0.1 * rss, `smaps ${total} vs rss ${rss}`);
  });
});
