import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { MeetingSettings } from "@switchboard/protocol";
import type { SwitchboardClient } from "../src/index.js";
import { makeClient, startServices, until, waitFor, type Services } from "./harness.js";

describe("the SDK hands the meeting's settings to the app and respects chat off", () => {
  let svc: Services;
  const clients: SwitchboardClient[] = [];
  beforeAll(async () => {
    svc = await startServices();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect()));
    await svc.close();
  }, 60_000);

  it("session store carries each room's settings, follows room.updated, and chat waits for isChatEnabled", async () => {
    const http = `http://127.0.0.1:${svc.port}`;
    const res = await fetch(`${http}/api/meetings/create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ settings: { isChatEnabled: false, isRecordingEnabled: true } }),
    });
    assert.equal(res.status, 201);
    const { meeting, hostKey } = (await res.json()) as { meeting: { roomId: string }; hostKey: string };
    const roomId = meeting.roomId;
    const a = makeClient(svc.ws, { name: "a", meetingCode: roomId, autoConnect: false });
    clients.push(a);
    const seen: (MeetingSettings | undefined)[] = [];
    a.stores.session.subscribe((s) => seen.push(s.settings[roomId]));
    await a.initializeNode();
    await a.discoverPeers();
    const settings = () => seen.at(-1);
    assert.deepEqual(
      [settings()?.isChatEnabled, settings()?.isScreenShareEnabled, settings()?.isRecordingEnabled],
      [false, true, true],
    );
    await assert.rejects(a.sendChat("hello"), (err: { code?: string }) => err.code === "chat_disabled");

    const put = await fetch(`${http}/api/meetings/${roomId}`, {
      method: "PUT",
      headers: { "content-type": "application/json", "x-host-key": hostKey },
      body: JSON.stringify({ settings: { isChatEnabled: true } }),
    });
    assert.equal(put.status, 200);
    await until(() => settings()?.isChatEnabled === true, 10_000, "room.updated in the session store");
    const echoed = waitFor(a, "chat", (c) => c.text === "hello", 10_000);
    await a.sendChat("hello"); // alone in the room: through signaling, which stamps and echoes it
    assert.equal((await echoed).roomId, roomId);

    await a.leave(roomId);
    assert.equal(settings(), undefined, "a room left has no settings");
  }, 60_000);
});
