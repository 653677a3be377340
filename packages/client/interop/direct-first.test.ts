/**
 * Interop: direct first in Chromium (the SDK's browser build, three pages in one meeting, TURN offered, inside a
 * network namespace with only `lo`; needs root). With the default every pair connects directly; with
 * `directFirstMs: 1` every link switches to a connection with TURN while its direct-only one is still being
 * negotiated — the path a loaded machine takes with the default, which once left a link's signals stalled for
 * good (a closed RTCPeerConnection never settles its pending operations). Both rounds must connect every pair
 * and carry messages both ways. The steps run in direct-first-run.ts; this checks what it saw.
 */
import { beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { resultLine, runInLoopbackNamespace, tsxCommand } from "@switchboard/test-support";
import type { Round } from "./direct-first-run.js";

const RUNNER = fileURLToPath(new URL("./direct-first-run.ts", import.meta.url));

describe("SDK browser build in Chromium: direct first in a three-person meeting", () => {
  let rounds: Round[];
  beforeAll(async () => {
    const { code, output } = await runInLoopbackNamespace({
      prefix: "direct2df",
      command: tsxCommand(RUNNER),
      killAfterMs: 200_000,
    });
    const line = resultLine(output);
    assert.ok(line, `runner exited ${code}: ${output.slice(-4000)}`);
    rounds = (JSON.parse(line) as { rounds: Round[] }).rounds;
  }, 220_000);

  const checkMesh = (r: Round) => {
    const what = JSON.stringify(r);
    for (const [i, conns] of r.connected.entries()) {
      assert.deepEqual(
        conns.map((c) => c.peerId).sort(),
        ["p0", "p1", "p2"].filter((p) => p !== `p${i}`),
        what,
      );
      assert.deepEqual(
        r.messages[i],
        ["p0", "p1", "p2"].filter((p) => p !== `p${i}`),
        what,
      );
    }
    assert.equal(r.connectionClosed, 0, what);
  };

  it("with the default, every pair connects directly (host candidates on loopback), TURN offered", () => {
    const r = rounds[0];
    checkMesh(r);
    for (const conns of r.connected)
      for (const c of conns) assert.notEqual(c.method, "relay", JSON.stringify(r));
  }, 220_000);

  it("switching to TURN mid-negotiation (directFirstMs: 1) still connects every pair, without stalling", () => {
    const r = rounds[1];
    checkMesh(r);
    assert.ok(r.restartOffers >= 1, `the switch happened (offers marked iceRestart): ${JSON.stringify(r)}`);
  }, 220_000);
});
