/**
 * Interop: the SDK's browser build in headless Chromium and `switchboard peer` (the SDK on node-datachannel) in one
 * meeting on the local platform: they connect and a line goes each way; relay-only on both ends connects through
 * our TURN with `relay` reported by both. Everything runs in a network namespace with only `lo` (needs root).
 */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { resultLine, runInLoopbackNamespace, tsxCommand } from "@switchboard/test-support";

const RUNNER = fileURLToPath(new URL("./chromium-peer-run.ts", import.meta.url));

describe("Chromium page (browser build) ↔ switchboard peer", () => {
  for (const relay of [false, true])
    it(
      relay ? "relay only: through our TURN, relay on both ends" : "direct: data both ways",
      async () => {
        const { code, output } = await runInLoopbackNamespace({
          prefix: "clichr",
          command: tsxCommand(RUNNER),
          env: { ...process.env, PEER_RELAY: String(relay) },
          killAfterMs: 140_000,
        });
        const line = resultLine(output);
        assert.ok(line, `runner exited ${code}: ${output.slice(-4000)}`);
        const r = JSON.parse(line) as {
          page: { method: string; peerId: string; got: string };
          node: { method: string; peerId: string; got: string };
          nodeExit: number | null;
        };
        assert.equal(r.page.got, "from node");
        assert.equal(r.node.got, "from chromium");
        assert.equal(r.nodeExit, 0, "the peer exits 0 on SIGTERM");
        if (relay) {
          assert.equal(r.page.method, "relay");
          assert.equal(r.node.method, "relay");
        } else {
          assert.ok(["host", "srflx", "prflx", "relay"].includes(r.page.method), JSON.stringify(r));
          assert.ok(["host", "srflx", "prflx", "relay"].includes(r.node.method), JSON.stringify(r));
        }
      },
      150_000,
    );
});
