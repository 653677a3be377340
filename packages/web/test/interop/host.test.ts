/**
 * Host controls in the web app (Chromium, real signaling and TURN, loopback-only namespace; needs root): the
 * lobby with approval on, admit, remove, deny, lock and end — each person reads why in plain words.
 */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { sentenceFor } from "../../src/lib/human-messages";
import { runScenario } from "../helpers/scenario";

const HOST = fileURLToPath(new URL("./host-run.ts", import.meta.url));

describe("web app: host flow", () => {
  it("lobby → admit → ask to mute → remove; deny; lock; end — with a human reason on the guest's side", async () => {
    const r = await runScenario<{
      requireApproval: boolean;
      lobbyText: string;
      lobbyBanner: string;
      guestVideo: { first: number; last: number };
      hostSeesGuest: number;
      muteBanner: string;
      guestMic: string;
      kickedOutcome: string;
      kickedBanner: string;
      deniedOutcome: string;
      lockedOutcome: string;
      hostEnded: string;
      endedOutcome: string;
    }>(HOST, { killAfterMs: 120_000 });
    assert.equal(r.requireApproval, true, "the meeting was created with approval on");
    assert.equal(r.lobbyText, sentenceFor("lobby_waiting"));
    assert.match(r.lobbyBanner, /Waiting for the host/);
    assert.ok(r.guestVideo.last > r.guestVideo.first, "admitted guest sees the host's video");
    assert.equal(r.hostSeesGuest, 1);
    assert.match(r.muteBanner, /The host asked you to mute/);
    assert.equal(r.guestMic, "Unmute", "the guest's microphone is off");
    assert.equal(r.kickedOutcome, sentenceFor("kicked"));
    assert.match(r.kickedBanner, /The host removed you from the meeting/);
    assert.equal(r.deniedOutcome, sentenceFor("lobby_denied"));
    assert.equal(r.lockedOutcome, sentenceFor("room_locked"));
    assert.equal(r.hostEnded, sentenceFor("room_ended"));
    assert.equal(r.endedOutcome, sentenceFor("meeting_ended"));
  }, 130_000);
});
