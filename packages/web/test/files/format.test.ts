import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { formatBytes, formatEta, formatRate, percent } from "../../src/lib/files/format";

describe("files/format", () => {
  it("sizes in binary units, three significant digits", () => {
    assert.equal(formatBytes(0), "0 B");
    assert.equal(formatBytes(1023), "1023 B");
    assert.equal(formatBytes(1536), "1.50 KiB");
    assert.equal(formatBytes(50 * 2 ** 20), "50.0 MiB");
    assert.equal(formatBytes(300 * 2 ** 30), "300 GiB");
    assert.equal(formatBytes(-1), "?");
    assert.equal(formatBytes(Number.NaN), "?");
  });

  it("rates, with a dash when nothing moves", () => {
    assert.equal(formatRate(12.5 * 2 ** 20), "12.5 MiB/s");
    assert.equal(formatRate(0), "—");
    assert.equal(formatRate(Number.POSITIVE_INFINITY), "—");
  });

  it("time left in seconds, minutes or hours", () => {
    assert.equal(formatEta(null), "—");
    assert.equal(formatEta(0), "0 s");
    assert.equal(formatEta(44.2), "45 s");
    assert.equal(formatEta(185), "3 min 05 s");
    assert.equal(formatEta(7620), "2 h 07 min");
    assert.equal(formatEta(-3), "—");
  });

  it("whole percent, clamped, 0 for an unknown total", () => {
    assert.equal(percent(1, 3), 33);
    assert.equal(percent(5, 5), 100);
    assert.equal(percent(9, 5), 100);
    assert.equal(percent(1, null), 0);
    assert.equal(percent(1, 0), 0);
  });
});
