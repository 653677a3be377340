import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { MeetingSettings } from "@switchboard/protocol";
import { assertChatAllowed, assertStateAllowed } from "./feature-gates.js";

const settings = (over: Partial<MeetingSettings>): MeetingSettings => ({
  maxParticipants: 5,
  requireApproval: false,
  allowedEmailDomains: [],
  locked: false,
  isChatEnabled: true,
  isScreenShareEnabled: true,
  isRecordingEnabled: false,
  ...over,
});
const codeOf = (fn: () => void): string => {
  try {
    fn();
    return "allowed";
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe("feature gates", () => {
  it("refuses chat only when the meeting turns it off", () => {
    assert.equal(
      codeOf(() => assertChatAllowed(settings({}), "r")),
      "allowed",
    );
    assert.equal(
      codeOf(() => assertChatAllowed(settings({ isChatEnabled: false }), "r")),
      "chat_disabled",
    );
    assert.equal(
      codeOf(() => assertChatAllowed(undefined, "r")),
      "allowed",
    );
  });

  it("refuses a screen-share state when sharing is off, never turning it off or other media", () => {
    const off = settings({ isScreenShareEnabled: false });
    assert.equal(
      codeOf(() => assertStateAllowed(off, { screen: true }, "r")),
      "screen_share_disabled",
    );
    assert.equal(
      codeOf(() => assertStateAllowed(off, { audio: true, screen: true }, "r")),
      "screen_share_disabled",
    );
    assert.equal(
      codeOf(() => assertStateAllowed(off, { screen: false }, "r")),
      "allowed",
    );
    assert.equal(
      codeOf(() => assertStateAllowed(off, { audio: true, video: true }, "r")),
      "allowed",
    );
    assert.equal(
      codeOf(() => assertStateAllowed(off, undefined, "r")),
      "allowed",
    );
    assert.equal(
      codeOf(() => assertStateAllowed(settings({}), { screen: true }, "r")),
      "allowed",
    );
  });
});
