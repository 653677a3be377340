/**
 * Relay-only meetings in the web app (Chromium, our TURN, loopback-only namespace; needs root): the setting on
 * Start and the `?relay=1` link parameter both force TURN, and the Network view shows relay on both ends.
 */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runScenario } from "../helpers/scenario";

const RELAY = fileURLToPath(new URL("./relay-run.ts", import.meta.url));

interface NetworkRow {
  method: string;
  local: string;
  remote: string;
  turn: string;
  meeting: string;
}

describe("web app: relay only through our TURN", () => {
  it("the Network view shows relay on both ends", async () => {
    const r = await runScenario<{
      code: string;
      aliceUrl: string;
      video: { first: number; last: number };
      alice: NetworkRow;
      bob: NetworkRow;
    }>(RELAY, { killAfterMs: 120_000 });
    assert.ok(r.aliceUrl.endsWith(`#/m/${r.code}?relay=1`), r.aliceUrl);
    assert.ok(r.video.last > r.video.first, "video flows through the relay");
    for (const side of [r.alice, r.bob]) {
      assert.equal(side.method, "relay", JSON.stringify(side));
      assert.equal(side.local, "relay", JSON.stringify(side));
      assert.equal(side.remote, "relay", JSON.stringify(side));
      assert.equal(side.turn, "configured, in use");
      assert.match(side.meeting, /\(relay only\)$/);
    }
  }, 130_000);
});
