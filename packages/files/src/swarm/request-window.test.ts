import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { RequestWindow, MIN_WINDOW, MAX_WINDOW } from "./request-window.js";

describe("RequestWindow", () => {
  it("grows with a fast peer up to the cap, a step at a time", () => {
    const w = new RequestWindow();
    const start = w.limit;
    w.update(100 * 2 ** 20);
    assert.equal(w.limit, start * 2);
    for (let i = 0; i < 10; i++) w.update(100 * 2 ** 20);
    assert.equal(w.limit, MAX_WINDOW);
  });
  it("shrinks for a slow peer and on timeouts, never below the floor", () => {
    const w = new RequestWindow();
    for (let i = 0; i < 10; i++) w.update(10_000);
    assert.equal(w.limit, MIN_WINDOW);
    w.update(4 * 2 ** 20); // 4 MiB/s → 128 blocks wanted, reached by doubling
    w.update(4 * 2 ** 20);
    w.update(4 * 2 ** 20);
    w.update(4 * 2 ** 20);
    w.update(4 * 2 ** 20);
    assert.equal(w.limit, 128);
    w.timedOut();
    assert.equal(w.limit, 64);
    for (let i = 0; i < 10; i++) w.timedOut();
    assert.equal(w.limit, MIN_WINDOW);
  });
});
