/** The loopback-only namespace really has only `lo` and is deleted afterwards (needs root and iproute2). */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { resultLine, runInLoopbackNamespace } from "../../src/netns.js";

describe("runInLoopbackNamespace", () => {
  it("runs a command that sees only lo, then deletes the namespace", async () => {
    const script = "console.log('RESULT ' + JSON.stringify(Object.keys(require('os').networkInterfaces())))";
    const { code, output } = await runInLoopbackNamespace({
      prefix: "sbtsup",
      command: [process.execPath, "-e", script],
      killAfterMs: 20_000,
    });
    assert.equal(code, 0, output);
    assert.deepEqual(JSON.parse(resultLine(output) ?? "null"), ["lo"]);
    assert.ok(!execFileSync("ip", ["netns", "list"]).toString().includes(`sbtsup${process.pid}`));
  });
});
