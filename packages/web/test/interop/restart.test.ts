/**
 * Signaling restarted mid-meeting (Chromium, real signaling over Redis, loopback-only namespace; needs root): the
 * web app shows the outage and the recovery without a reload, and the video keeps playing.
 */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runScenario } from "../helpers/scenario";

const RESTART = fileURLToPath(new URL("./restart-run.ts", import.meta.url));

describe("web app: signaling restarted mid-meeting", () => {
  it("outage shown, recovered without a reload, video kept decoding", async () => {
    const r = await runScenario<{
      lost: { alice: string; bob: string };
      back: { alice: string; bob: string };
      framesOutageStart: number;
      framesOutageEnd: number;
      after: { first: number; last: number };
      noReload: boolean[];
    }>(RESTART, { killAfterMs: 120_000 });
    for (const t of [r.lost.alice, r.lost.bob])
      assert.match(t, /Connection to the server lost\. Reconnecting/);
    for (const t of [r.back.alice, r.back.bob]) assert.match(t, /Reconnected to the server/);
    assert.ok(
      r.framesOutageEnd > r.framesOutageStart,
      `video decoded during the outage: ${JSON.stringify(r)}`,
    );
    assert.ok(r.after.last > r.after.first, "and after it");
    assert.deepEqual(r.noReload, [true, true], "no page was reloaded");
  }, 130_000);
});
