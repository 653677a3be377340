import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { manifestFromBytes } from "../hash-pieces.js";
import { openBrowserStore } from "./opfs-store.js";
import { MemoryStore } from "./memory-store.js";

// OpfsStore itself needs a browser (Chromium); here: the fallback when navigator.storage has no OPFS.
describe("openBrowserStore without OPFS", () => {
  it("falls back to memory for a small file", async () => {
    const m = await manifestFromBytes("s.bin", new Uint8Array(1000));
    const store = await openBrowserStore(m);
    assert.ok(store instanceof MemoryStore);
  });
  it("refuses a file too large for memory", async () => {
    const m = { ...(await manifestFromBytes("s.bin", new Uint8Array(1000))), size: 2 ** 40 };
    await assert.rejects(openBrowserStore(m), { code: "storage_failed" });
  });
});
