/**
 * Interop: the SDK's browser build in two headless Chromium pages (fake camera, microphone and screen), relay-only
 * through our TURN, in a network namespace with only `lo` (needs root). Media and its state through `update`, mute,
 * a device switch by `replaceTrack` (no renegotiation), screen share, and a live ICE restart after every relayed
 * port of both sides is blocked. The steps run in browser-run.ts; this checks what it saw.
 */
import { beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { resultLine, runInLoopbackNamespace, tsxCommand } from "@switchboard/test-support";

const RUNNER = fileURLToPath(new URL("./browser-run.ts", import.meta.url));

interface Result {
  connected: { a: string; b: string; aPeer: boolean; bPeer: boolean };
  media: { trackKinds: string[]; stateOn: { audio: boolean; video: boolean; screen: boolean } };
  muted: { audio: boolean; video: boolean; screen: boolean };
  switched: {
    devices: number;
    changed: boolean;
    senderHasNew: boolean;
    senderHasOld: boolean;
    newOffers: number;
  };
  screen: { state: { screen: boolean }; kind: string };
  iceRestart: {
    blocked: number[];
    after: { a?: { type: string; port: number }; b?: { type: string; port: number } };
    restartOffers: number;
    messages: { atA: string; atB: string };
    connectionClosed: number;
  };
}

describe("SDK browser build in Chromium: media, host-visible state, ICE restart", () => {
  let r: Result;
  beforeAll(async () => {
    const { code, output } = await runInLoopbackNamespace({
      prefix: "sdk2br",
      command: tsxCommand(RUNNER),
      killAfterMs: 280_000,
    });
    const line = resultLine(output);
    assert.ok(line, `runner exited ${code}: ${output.slice(-4000)}`);
    r = JSON.parse(line) as Result;
  }, 300_000);

  it("connects relay-only, relay on both ends", () => {
    assert.deepEqual(r.connected, { a: "relay", b: "relay", aPeer: true, bPeer: true });
  }, 300_000);

  it("camera and microphone reach the other page; their state arrives with `update`", () => {
    assert.deepEqual(r.media.trackKinds, ["audio", "video"]);
    assert.deepEqual(r.media.stateOn, { audio: true, video: true, screen: false });
  }, 300_000);

  it("mute is seen by the other side", () => {
    assert.deepEqual(r.muted, { audio: false, video: true, screen: false });
  }, 300_000);

  it("switching cameras replaces the sender's track without a new offer", () => {
    assert.equal(r.switched.devices, 2);
    assert.ok(r.switched.changed);
    assert.ok(r.switched.senderHasNew, "the sender carries the new camera");
    assert.ok(!r.switched.senderHasOld, "the old camera is gone from the senders");
    assert.equal(r.switched.newOffers, 0);
  }, 300_000);

  it("screen share: a new video track and `screen: true`", () => {
    assert.equal(r.screen.kind, "video");
    assert.equal(r.screen.state.screen, true);
  }, 300_000);

  it("a broken path recovers with an ICE restart onto new relayed ports", () => {
    const { blocked, after, restartOffers, messages, connectionClosed } = r.iceRestart;
    assert.ok(blocked.length >= 2, JSON.stringify(r.iceRestart));
    assert.ok(restartOffers >= 1, "an offer with iceRestart went out");
    assert.match(messages.atA, /^b-after-/);
    assert.match(messages.atB, /^a-after-/);
    assert.equal(connectionClosed, 0, "the same connection came back (not a new one)");
    for (const side of [after.a, after.b]) {
      assert.equal(side?.type, "relay");
      assert.ok(side && !blocked.includes(side.port), JSON.stringify(r.iceRestart));
    }
  }, 300_000);
});
