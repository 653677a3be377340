/**
 * Interop: two headless Chromium pages (a real WebRTC stack) join one meeting and negotiate a data channel
 * through the signaling service: an ECDSA-signed offer (verified by the answerer), the answer and trickled
 * candidates, then a message each way. Browser, server and test run in a network namespace with only `lo` up,
 * created and deleted here (needs root), so only loopback candidates exist.
 */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { resultLine, runInLoopbackNamespace, tsxCommand } from "@switchboard/test-support";

const RUNNER = fileURLToPath(new URL("./browser-signaling-run.ts", import.meta.url));

describe("Chromium peers negotiate a data channel through the signaling service", () => {
  it("relays a signed offer, the answer and trickled candidates; the channel carries data", async () => {
    const { code, output: out } = await runInLoopbackNamespace({
      prefix: "sbsig",
      command: tsxCommand(RUNNER),
      killAfterMs: 100_000,
    });
    const line = resultLine(out);
    assert.ok(line, `runner exited ${code}: ${out.slice(-3000)}`);
    const result = JSON.parse(line) as {
      a: string;
      bPeers: string[];
      caller: { got: string[] };
      callee: { verified: boolean; got: string[]; errors: unknown[] };
    };
    assert.deepEqual(result.bPeers, [result.a]);
    assert.deepEqual(result.caller.got, ["pong:ping"]);
    assert.equal(result.callee.verified, true, "the answerer verified the offer's ECDSA signature");
    assert.deepEqual(result.callee.got, ["ping"]);
    assert.deepEqual(result.callee.errors, []);
  }, 120_000);
});
