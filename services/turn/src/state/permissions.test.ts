import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ManualClock } from "@switchboard/runtime";
import { PERMISSION_LIFETIME_MS, Permissions } from "./permissions.js";

describe("permissions", () => {
  it("live for 300 s from the last install, by IP only", () => {
    const clock = new ManualClock();
    const p = new Permissions(clock, 10);
    assert.ok(p.install("8.8.8.8"));
    clock.advance(PERMISSION_LIFETIME_MS - 1);
    assert.ok(p.has("8.8.8.8"));
    assert.ok(p.install("8.8.8.8"));
    clock.advance(PERMISSION_LIFETIME_MS - 1);
    assert.ok(p.has("8.8.8.8"));
    clock.advance(1);
    assert.equal(p.has("8.8.8.8"), false);
    assert.equal(p.size, 1);
    assert.equal(p.sweep(), 1);
    assert.equal(p.size, 0);
  });
  it("bounds the table, making room from expired entries", () => {
    const clock = new ManualClock();
    const p = new Permissions(clock, 2);
    assert.ok(p.install("1.1.1.1"));
    assert.ok(p.install("1.1.1.2"));
    assert.equal(p.canInstall(["1.1.1.3"]), false);
    assert.equal(p.canInstall(["1.1.1.1"]), true);
    assert.equal(p.install("1.1.1.3"), false);
    clock.advance(PERMISSION_LIFETIME_MS);
    assert.ok(p.install("1.1.1.3"));
  });
});
