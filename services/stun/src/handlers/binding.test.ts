import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import {
  AttributeType,
  decodeAddress,
  decodeStunMessage,
  decodeXorAddress,
  encodeChangeRequest,
  encodeResponsePort,
  textAttribute,
  type StunAttribute,
} from "@switchboard/stun-codec";
import { request } from "../../test/helpers/stun.js";
import type { ListenerLayout } from "../nat-behavior.js";
import { handleBinding, MAX_RESPONSE_PADDING, type BindingContext } from "./binding.js";

const single: ListenerLayout = { primary: { address: "0.0.0.0", port: 3478 } };
const dual: ListenerLayout = {
  primary: { address: "198.51.100.1", port: 3478 },
  alternate: { address: "198.51.100.2", port: 3479 },
};
const ctx = (over: Partial<BindingContext> = {}): BindingContext => ({
  transport: "udp",
  source: { address: "203.0.113.9", port: 5000 },
  role: "PP",
  layout: single,
  software: textAttribute(AttributeType.Software, "test"),
  ...over,
});
const decide = (attrs: StunAttribute[], over: Partial<BindingContext> = {}) => {
  const req = request(attrs);
  return {
    decision: handleBinding(ctx(over), decodeStunMessage(req.bytes)),
    transactionId: req.transactionId,
  };
};
const value = (attrs: readonly StunAttribute[], type: number): Uint8Array | undefined =>
  attrs.find((a) => a.type === type)?.value;

describe("handleBinding", () => {
  it("reflects the source as XOR-MAPPED-ADDRESS, then SOFTWARE (no MAPPED-ADDRESS while RFC 5780 is off)", () => {
    const { decision, transactionId } = decide([]);
    assert.equal(decision.kind, "success");
    if (decision.kind !== "success") return;
    const xm = value(decision.attributes, AttributeType.XorMappedAddress);
    assert.ok(xm);
    assert.deepEqual(decodeXorAddress(xm, transactionId), {
      family: "IPv4",
      address: "203.0.113.9",
      port: 5000,
    });
    // Every request has the magic cookie (RFC 3489 ones are not decoded), so its sender reads XOR-MAPPED-ADDRESS:
    // MAPPED-ADDRESS would only make the reply a spoofed source can trigger larger.
    assert.deepEqual(
      decision.attributes.map((a) => a.type),
      [AttributeType.XorMappedAddress, AttributeType.Software],
    );
    assert.equal(decision.role, "PP");
    assert.equal(decision.port, 5000);
  });

  it("leaves SOFTWARE out when not configured", () => {
    const { decision } = decide([], { software: undefined });
    assert.ok(
      decision.kind === "success" && value(decision.attributes, AttributeType.Software) === undefined,
    );
  });

  it("accepts ICE and authentication attributes it ignores", () => {
    const { decision } = decide([
      { type: AttributeType.Priority, value: new Uint8Array(4) },
      { type: AttributeType.UseCandidate, value: new Uint8Array(0) },
      { type: AttributeType.IceControlling, value: new Uint8Array(8) },
      { type: AttributeType.Username, value: new TextEncoder().encode("a:b") },
    ]);
    assert.equal(decision.kind, "success");
  });

  it("lists every unknown comprehension-required attribute once for a 420", () => {
    const { decision } = decide([
      { type: AttributeType.Lifetime, value: new Uint8Array(4) },
      { type: 0x7001, value: new Uint8Array(0) },
      { type: 0x7001, value: new Uint8Array(0) },
      { type: 0xc123, value: new Uint8Array(0) },
    ]);
    assert.deepEqual(decision, {
      kind: "error",
      code: 420,
      reason: "Unknown Attribute",
      unknownAttributes: [AttributeType.Lifetime, 0x7001],
    });
  });

  it("adds RESPONSE-ORIGIN and OTHER-ADDRESS with an alternate, and follows CHANGE-REQUEST", () => {
    const cr = {
      type: AttributeType.ChangeRequest,
      value: encodeChangeRequest({ changeIp: true, changePort: false }),
    };
    const { decision } = decide([cr], { layout: dual });
    assert.ok(decision.kind === "success");
    if (decision.kind !== "success") return;
    assert.equal(decision.role, "AP");
    const origin = value(decision.attributes, AttributeType.ResponseOrigin);
    const other = value(decision.attributes, AttributeType.OtherAddress);
    assert.ok(origin && other);
    assert.deepEqual(decodeAddress(origin), { family: "IPv4", address: "198.51.100.2", port: 3478 });
    assert.deepEqual(decodeAddress(other), { family: "IPv4", address: "198.51.100.2", port: 3479 });
  });

  it("caps response PADDING and ignores PADDING and RESPONSE-PORT over TCP", () => {
    const big = decide([{ type: AttributeType.Padding, value: new Uint8Array(4000) }]).decision;
    assert.ok(big.kind === "success");
    if (big.kind === "success") {
      assert.equal(value(big.attributes, AttributeType.Padding)?.length, MAX_RESPONSE_PADDING);
    }
    const tcp = decide(
      [
        { type: AttributeType.ResponsePort, value: encodeResponsePort(9) },
        { type: AttributeType.Padding, value: new Uint8Array(8) },
      ],
      { transport: "tcp" },
    ).decision;
    assert.ok(tcp.kind === "success");
    if (tcp.kind === "success") {
      assert.equal(tcp.port, 5000);
      assert.equal(value(tcp.attributes, AttributeType.Padding), undefined);
    }
  });

  it("answers 400 to a RESPONSE-PORT of the wrong size or port 0", () => {
    assert.equal(
      decide([{ type: AttributeType.ResponsePort, value: new Uint8Array(2) }]).decision.kind,
      "error",
    );
    const zero = decide([{ type: AttributeType.ResponsePort, value: encodeResponsePort(0) }]).decision;
    assert.ok(zero.kind === "error" && zero.code === 400);
  });
});
