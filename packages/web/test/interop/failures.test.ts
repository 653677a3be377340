/**
 * The web app's human messages for failures a person can hit, provoked for real in Chromium against the real
 * platform (loopback-only namespace; needs root).
 */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { sentenceFor } from "../../src/lib/human-messages";
import { runScenario } from "../helpers/scenario";

const FAILURES = fileURLToPath(new URL("./failures-run.ts", import.meta.url));

describe("web app: failure messages", () => {
  it("not found, bad code, no TURN for relay-only, full, permission denied, no device, signaling down and back", async () => {
    const r = await runScenario<{
      roomId: string;
      notFound: { outcome: string; banner: string };
      badCode: string;
      full: string;
      noTurn: { outcome: string; banner: string };
      permission: { banner: string; joinedAnyway: string };
      noDevice: { banner: string; joinedAnyway: string };
      unreachable: { outcome: string; banner: string };
      retried: string;
    }>(FAILURES, { killAfterMs: 120_000 });
    assert.equal(r.notFound.outcome, sentenceFor("room_not_found"));
    assert.match(r.notFound.banner, /no meeting with this code/);
    assert.match(r.badCode, /not a meeting code or link/);
    assert.equal(r.noTurn.outcome, sentenceFor("turn_unavailable"));
    assert.equal(r.full, sentenceFor("room_full"));
    assert.match(r.permission.banner, /Camera and microphone are blocked/);
    assert.equal(r.permission.joinedAnyway, r.roomId, "the meeting goes on without camera and microphone");
    assert.match(r.noDevice.banner, /No camera or microphone was found/);
    assert.equal(r.noDevice.joinedAnyway, r.roomId);
    assert.equal(r.unreachable.outcome, sentenceFor("signaling_unreachable"));
    assert.match(r.unreachable.banner, /Cannot reach the Switchboard server/);
    assert.equal(r.retried, r.roomId, "joined once signaling was back, without a reload");
  }, 130_000);
});
