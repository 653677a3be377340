/**
 * Interop: prepared connections (`prepareConnections`, spares) in Chromium, the way the web app's Files view uses
 * the SDK: three pages join one meeting in turn with camera and microphone on and signed offers, and on every
 * connection the side whose peer id sorts first opens an extra "files" channel at once; each side sends a hello
 * on it the moment it has the channel. Before the fix the accepting side's hello could arrive before the
 * opener's `open` event, i.e. before `openChannel` resolved, and was dropped (no handler yet): with spares on the
 * timing made that likely and a pair of the Files view never exchanged anything. Runs in a loopback-only network
 * namespace (needs root); the steps are in spares-run.ts.
 */
import { beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { resultLine, runInLoopbackNamespace, tsxCommand } from "@switchboard/test-support";

const RUNNER = fileURLToPath(new URL("./spares-run.ts", import.meta.url));

interface Seen {
  id: string;
  connected: string[];
  channels: string[];
  got: string[];
}

describe("SDK browser build in Chromium: prepared connections with an extra channel per peer", () => {
  let r: { ids: string[]; result: Seen[] | { error: string; seen: Seen[] } };
  beforeAll(async () => {
    const { code, output } = await runInLoopbackNamespace({
      prefix: "sdk3sp",
      command: tsxCommand(RUNNER),
      env: { ...process.env, PREPARE: "1" },
      killAfterMs: 200_000,
    });
    const line = resultLine(output);
    assert.ok(line, `runner exited ${code}: ${output.slice(-4000)}`);
    r = JSON.parse(line) as typeof r;
  }, 220_000);

  it("every page connects to both others, gets both files channels and a hello from each peer on them", () => {
    assert.ok(Array.isArray(r.result), `not every channel carried its hello: ${JSON.stringify(r.result)}`);
    for (const seen of r.result) {
      const others = r.ids.filter((id) => id !== seen.id).sort();
      assert.deepEqual([...seen.connected].sort(), others, `${seen.id} connections`);
      assert.deepEqual([...seen.channels].sort(), others, `${seen.id} files channels`);
      assert.deepEqual(
        [...seen.got].sort(),
        others.map((id) => `${id}:hello from ${id}`),
        `${seen.id} hellos`,
      );
    }
  }, 220_000);
});
