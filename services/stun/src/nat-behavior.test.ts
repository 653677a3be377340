import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import {
  layoutRoles,
  otherAddress,
  responseRole,
  roleEndpoint,
  type ListenerLayout,
} from "./nat-behavior.js";

const layout: ListenerLayout = {
  primary: { address: "127.0.0.1", port: 3478 },
  alternate: { address: "127.0.0.2", port: 3479 },
};

describe("RFC 5780 §6.1 Table 1", () => {
  it("picks the response source from the CHANGE-REQUEST flags", () => {
    const none = { changeIp: false, changePort: false };
    const ip = { changeIp: true, changePort: false };
    const port = { changeIp: false, changePort: true };
    const both = { changeIp: true, changePort: true };
    assert.equal(responseRole("PP", none), "PP");
    assert.equal(responseRole("PP", ip), "AP");
    assert.equal(responseRole("PP", port), "PA");
    assert.equal(responseRole("PP", both), "AA");
    assert.equal(responseRole("AA", both), "PP");
    assert.equal(responseRole("PA", ip), "AA");
    assert.equal(responseRole("AP", port), "AA");
  });

  it("maps roles to addresses and names OTHER-ADDRESS as Ca:Cp", () => {
    assert.deepEqual(roleEndpoint(layout, "AP"), { address: "127.0.0.2", port: 3478 });
    assert.deepEqual(roleEndpoint(layout, "PA"), { address: "127.0.0.1", port: 3479 });
    assert.deepEqual(otherAddress(layout, "PP"), { address: "127.0.0.2", port: 3479 });
    assert.deepEqual(otherAddress(layout, "AP"), { address: "127.0.0.1", port: 3479 });
    assert.equal(layoutRoles(layout).length, 4);
  });

  it("leaves OTHER-ADDRESS out without an alternate", () => {
    const single: ListenerLayout = { primary: { address: "::", port: 3478 } };
    assert.equal(otherAddress(single, "PP"), undefined);
    assert.deepEqual(layoutRoles(single), ["PP"]);
  });
});
