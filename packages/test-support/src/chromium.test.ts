import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { CHROMIUM_WEBRTC_ARGS, chromiumLaunchOptions } from "./chromium.js";

describe("chromiumLaunchOptions", () => {
  it("uses Debian's Chromium with the WebRTC flags", () => {
    const o = chromiumLaunchOptions();
    assert.equal(o.executablePath, "/usr/bin/chromium");
    assert.deepEqual(o.args, CHROMIUM_WEBRTC_ARGS);
    assert.ok(o.args.includes("--disable-features=WebRtcHideLocalIpsWithMdns"));
  });
  it("adds the fake media device flag on request, without touching the shared list", () => {
    const o = chromiumLaunchOptions({ fakeMediaDevices: true });
    assert.equal(o.args.length, CHROMIUM_WEBRTC_ARGS.length + 1);
    assert.ok(o.args.includes("--use-fake-device-for-media-stream"));
    assert.ok(!CHROMIUM_WEBRTC_ARGS.includes("--use-fake-device-for-media-stream"));
  });
});
