/**
 * The web app in Chromium on the real platform (signaling, TURN), inside a loopback-only namespace (needs root):
 * two browsers create and join a meeting through the UI; then three people and the Network view. Screenshots go
 * to test-results/screenshots/.
 */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runScenario } from "../helpers/scenario";

const MEETING = fileURLToPath(new URL("./meeting-run.ts", import.meta.url));
const THREE = fileURLToPath(new URL("./meeting-three-run.ts", import.meta.url));

interface Frames {
  first: number;
  last: number;
  width: number;
}

describe("web app: a meeting between two browsers", () => {
  it("video both ways, chat with the unread badge, mute and screen share seen by the other", async () => {
    const r = await runScenario<{
      code: string;
      bobSeesAlice: Frames;
      aliceSeesBob: Frames;
      badge: string;
      badgeLabel: string | null;
      badgeAfterOpen: number;
      audioBefore: string | null;
      audioAfter: string | null;
      screen: Frames;
      verified: { alice: number; bob: number };
      cameras: number;
      afterSwitch: Frames;
      phoneOverflow: number;
    }>(MEETING, { killAfterMs: 120_000 });
    assert.match(r.code, /^[A-Za-z0-9_-]{3,64}$/);
    for (const f of [r.bobSeesAlice, r.aliceSeesBob, r.screen]) {
      assert.ok(f.last > f.first, `frames decoding: ${JSON.stringify(f)}`);
      assert.ok(f.width > 0);
    }
    assert.equal(r.badge.trim(), "1");
    assert.equal(r.badgeLabel, "Chat, 1 unread");
    assert.equal(r.badgeAfterOpen, 0, "opening the chat clears the badge");
    assert.equal(r.audioBefore, "on");
    assert.equal(r.audioAfter, "off");
    assert.deepEqual(r.verified, { alice: 1, bob: 1 }, "signed offer/answer mark on both ends");
    assert.ok(r.cameras >= 1, "the device picker lists the camera");
    assert.ok(r.afterSwitch.last > r.afterSwitch.first, "video keeps decoding after a camera switch");
    assert.ok(r.phoneOverflow <= 0, `no horizontal scrolling at phone width (${r.phoneOverflow}px too wide)`);
  }, 130_000);

  it("three participants: the host decodes both, Network lists both connections", async () => {
    const r = await runScenario<{
      code: string;
      bob: Frames;
      carol: Frames;
      network: string[];
      signalingState: string | null;
    }>(THREE, { killAfterMs: 120_000 });
    for (const f of [r.bob, r.carol]) assert.ok(f.last > f.first, `frames decoding: ${JSON.stringify(f)}`);
    assert.equal(r.network.length, 2, "Alice's Network view lists Bob and Carol");
    for (const m of r.network) assert.ok(["host", "srflx", "prflx", "relay"].includes(m), m);
    assert.equal(r.signalingState, "open");
  }, 130_000);
});
