import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { Identity } from "../auth/identity.js";
import { ANONYMOUS } from "../auth/identity.js";
import { SignalingError } from "../errors.js";
import type { StoredMeeting } from "../store/store.js";
import { assertMayView, decideAdmission, isHost } from "./admission.js";

const NOW = 1_700_000_000_000;
const meeting = (
  settings: Partial<StoredMeeting["settings"]> = {},
  extra: Partial<StoredMeeting> = {},
): StoredMeeting => ({
  roomId: "abc-defg-hij",
  title: "t",
  hostId: "host-user",
  hostKey: "secret-host-key",
  createdAt: NOW - 1000,
  expiresAt: NOW + 3_600_000,
  settings: {
    maxParticipants: 3,
    requireApproval: false,
    allowedEmailDomains: [],
    locked: false,
    isChatEnabled: true,
    isScreenShareEnabled: true,
    isRecordingEnabled: false,
    ...settings,
  },
  ...extra,
});
const user = (u: Partial<Identity>): Identity => ({ anonymous: false, userId: "u", ...u });
const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return err instanceof SignalingError ? err.code : "other";
  }
  return "ok";
};

describe("decideAdmission", () => {
  const base = { identity: ANONYMOUS, joinedCount: 0, now: NOW };
  it("admits guests, hosts by id, grant or key", () => {
    assert.deepEqual(decideAdmission({ ...base, meeting: meeting() }), { role: "guest", status: "joined" });
    assert.equal(
      decideAdmission({ ...base, meeting: meeting(), identity: user({ userId: "host-user" }) }).role,
      "host",
    );
    assert.equal(
      decideAdmission({ ...base, meeting: meeting(), identity: user({ hostOf: ["abc-defg-hij"] }) }).role,
      "host",
    );
    assert.equal(decideAdmission({ ...base, meeting: meeting(), hostKey: "secret-host-key" }).role, "host");
    assert.equal(isHost(meeting(), ANONYMOUS, "wrong"), false);
  });
  it("sends guests to the lobby when approval is required, but not hosts", () => {
    assert.equal(decideAdmission({ ...base, meeting: meeting({ requireApproval: true }) }).status, "lobby");
    assert.equal(
      decideAdmission({ ...base, meeting: meeting({ requireApproval: true }), hostKey: "secret-host-key" })
        .status,
      "joined",
    );
  });
  it("refuses with the right codes", () => {
    assert.equal(
      code(() => decideAdmission({ ...base, meeting: meeting(), joinedCount: 3 })),
      "room_full",
    );
    assert.equal(
      code(() => decideAdmission({ ...base, meeting: meeting({ locked: true }) })),
      "room_locked",
    );
    assert.equal(
      code(() => decideAdmission({ ...base, meeting: meeting({}, { endedAt: NOW - 1 }) })),
      "meeting_ended",
    );
    assert.equal(
      code(() => decideAdmission({ ...base, meeting: meeting({}, { expiresAt: NOW }) })),
      "room_not_found",
    );
    assert.equal(
      code(() => decideAdmission({ ...base, meeting: meeting(), identity: user({ rooms: ["other"] }) })),
      "forbidden",
    );
    const domains = meeting({ allowedEmailDomains: ["Example.com"] });
    assert.equal(
      code(() => decideAdmission({ ...base, meeting: domains })),
      "forbidden",
    );
    assert.equal(
      code(() => decideAdmission({ ...base, meeting: domains, identity: user({ email: "a@evil.com" }) })),
      "forbidden",
    );
    assert.equal(
      code(() => decideAdmission({ ...base, meeting: domains, identity: user({ email: "a@example.com" }) })),
      "ok",
    );
  });

  it("lets hosts and straight-in tokens read participants; refuses anonymous readers and the rest", () => {
    const view = (m: StoredMeeting, who: Identity, key?: string) => code(() => assertMayView(m, who, key));
    assert.equal(view(meeting(), ANONYMOUS), "unauthorized");
    assert.equal(view(meeting(), ANONYMOUS, "secret-host-key"), "ok");
    assert.equal(view(meeting(), user({ userId: "host-user" })), "ok");
    assert.equal(view(meeting(), user({})), "ok");
    assert.equal(view(meeting(), user({ rooms: ["other"] })), "forbidden");
    assert.equal(view(meeting({ locked: true }), user({})), "forbidden");
    assert.equal(view(meeting({ requireApproval: true }), user({})), "forbidden");
    assert.equal(view(meeting({ requireApproval: true }), user({ hostOf: ["abc-defg-hij"] })), "ok");
    assert.equal(
      view(meeting({ allowedEmailDomains: ["corp.example"] }), user({ email: "a@corp.example" })),
      "ok",
    );
    assert.equal(
      view(meeting({ allowedEmailDomains: ["corp.example"] }), user({ email: "a@else.example" })),
      "forbidden",
    );
  });
});
