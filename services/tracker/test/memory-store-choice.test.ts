/** TRACKER_MEMORY_STORE: which memory store the server runs, as /stats shows it. */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { skipTest } from "@switchboard/test-support/jest";
import { loadTrackerNative } from "../src/state/native-binding.js";
import { loadTrackerConfig } from "../src/server.js";
import { startTracker } from "./start-tracker.js";

async function storeOf(url: string): Promise<unknown> {
  const res = await fetch(`${url}/stats`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { store?: unknown }).store;
}

describe("memory store choice", () => {
  it("runs the C store by default where the addon is built, the TypeScript one when asked", async () => {
    const { binding, reason } = loadTrackerNative();
    if (binding === undefined) return skipTest(`tracker addon not built: ${reason ?? "unknown"}`);
    for (const [memoryStore, expected] of [
      [undefined, "native"],
      ["native", "native"],
      ["js", "js"],
    ] as const) {
      const t = await startTracker(memoryStore === undefined ? {} : { memoryStore });
      try {
        assert.equal(await storeOf(t.url), expected);
        const announce = await fetch(
          `${t.url}/announce?info_hash=${"%01".repeat(20)}&peer_id=${"%02".repeat(20)}&port=6881&left=0&compact=1`,
        );
        assert.equal(announce.status, 200);
        const stats = (await (await fetch(`${t.url}/stats`)).json()) as { seeders: number; torrents: number };
        assert.deepEqual([stats.torrents, stats.seeders], [1, 1]);
      } finally {
        await t.close();
      }
    }
  }, 30_000);

  it("falls back to the TypeScript store without the addon, and `native` then stops start-up", async () => {
    const { binding, reason } = loadTrackerNative();
    if (binding !== undefined) return skipTest("the tracker addon is built here (the test above covers it)");
    const t = await startTracker();
    try {
      assert.equal(await storeOf(t.url), "js");
    } finally {
      await t.close();
    }
    await assert.rejects(
      startTracker({ memoryStore: "native" }),
      (err: Error) =>
        err.message.includes("native memory store is not available") && err.message.includes(reason ?? "?"),
    );
  }, 30_000);

  it("refuses an unknown choice at start-up", () => {
    assert.throws(() => loadTrackerConfig({ TRACKER_MEMORY_STORE: "fast" }), /TRACKER_MEMORY_STORE/);
  });
});
