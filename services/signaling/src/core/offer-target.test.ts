import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { Member } from "../store/store.js";
import { offerTarget } from "./offer-target.js";

function member(peerId: string, joinedAt: number, extra: Partial<Member> = {}): Member {
  return {
    roomId: "r",
    peerId,
    instanceId: "i1",
    name: peerId,
    role: "guest",
    state: { audio: false, video: false, screen: false },
    joinedAt,
    status: "joined",
    ...extra,
  };
}

describe("offerTarget", () => {
  const newcomer = member("new", 100);

  it("picks the earliest joined peer on the newcomer's instance", () => {
    const members = [member("b", 20), member("a", 10), member("c", 30), newcomer];
    assert.equal(offerTarget(members, newcomer)?.peerId, "a");
  });

  it("breaks a tie by peer id", () => {
    assert.equal(offerTarget([member("y", 5), member("x", 5), newcomer], newcomer)?.peerId, "x");
  });

  it("skips lobby waiters, other instances and the newcomer itself", () => {
    const members = [
      member("lobby", 1, { status: "lobby" }),
      member("remote", 2, { instanceId: "i2" }),
      member("local", 3),
      newcomer,
    ];
    assert.equal(offerTarget(members, newcomer)?.peerId, "local");
    assert.equal(offerTarget([member("remote", 2, { instanceId: "i2" }), newcomer], newcomer), undefined);
    assert.equal(offerTarget([newcomer], newcomer), undefined);
  });
});
