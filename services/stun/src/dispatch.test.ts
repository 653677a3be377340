import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createLogger, ManualClock } from "@switchboard/runtime";
import {
  AttributeType,
  StunClass,
  StunMethod,
  encodeChangeRequest,
  encodeResponsePort,
  encodeStunMessage,
  newTransactionId,
} from "@switchboard/stun-codec";
import { readReply, request, sameId } from "../test/helpers/stun.js";
import { createDispatcher, type DispatcherOptions } from "./dispatch.js";
import type { Inbound } from "./inbound.js";
import type { ListenerLayout } from "./nat-behavior.js";

const logger = createLogger({ name: "test", level: "silent" });
const single: ListenerLayout = { primary: { address: "127.0.0.1", port: 3478 } };
const dual: ListenerLayout = {
  primary: { address: "127.0.0.1", port: 3478 },
  alternate: { address: "127.0.0.2", port: 3479 },
};

function dispatcher(opts: Partial<DispatcherOptions> = {}) {
  return createDispatcher({
    layout: single,
    software: "Switchboard STUN",
    rateLimit: undefined,
    clock: new ManualClock(),
    logger,
    ...opts,
  });
}

const inbound = (data: Uint8Array, over: Partial<Inbound> = {}): Inbound => ({
  data,
  transport: "udp",
  source: { address: "192.0.2.7", port: 40000 },
  role: "PP",
  ...over,
});

const attr = (type: number, value: Uint8Array) => ({ type, value });

describe("dispatch: Binding", () => {
  it("answers with XOR-MAPPED-ADDRESS, SOFTWARE and a valid FINGERPRINT", () => {
    const req = request();
    const out = dispatcher()(inbound(req.bytes));
    assert.equal(out.result, "success");
    assert.ok(out.reply);
    assert.equal(out.reply.role, "PP");
    assert.equal(out.reply.port, 40000);
    const r = readReply(out.reply.bytes);
    assert.equal(r.cls, StunClass.SuccessResponse);
    assert.ok(sameId(r.msg.transactionId, req.transactionId));
    assert.deepEqual(r.xorMapped, { family: "IPv4", address: "192.0.2.7", port: 40000 });
    assert.equal(r.mapped, undefined);
    assert.equal(r.software, "Switchboard STUN");
    assert.ok(r.fingerprintOk);
    assert.equal(r.responseOrigin, undefined);
    assert.equal(r.otherAddress, undefined);
  });

  it("maps IPv6 sources and leaves SOFTWARE out when it is empty", () => {
    const out = dispatcher({ software: "" })(
      inbound(request().bytes, { source: { address: "2001:db8::5", port: 5 } }),
    );
    const r = readReply(out.reply?.bytes ?? new Uint8Array());
    assert.deepEqual(r.xorMapped, { family: "IPv6", address: "2001:db8::5", port: 5 });
    assert.equal(r.software, undefined);
  });

  it("answers a request with FINGERPRINT and ignores unknown comprehension-optional attributes", () => {
    const out = dispatcher()(
      inbound(request([attr(0xc001, new Uint8Array(3))], { fingerprint: true }).bytes),
    );
    assert.equal(out.result, "success");
  });

  it("answers 420 with UNKNOWN-ATTRIBUTES for unknown comprehension-required attributes", () => {
    const req = request([
      attr(0x7ffe, new Uint8Array(4)),
      attr(AttributeType.RequestedTransport, new Uint8Array(4)),
    ]);
    const out = dispatcher()(inbound(req.bytes));
    assert.equal(out.result, "unknown_attribute");
    const r = readReply(out.reply?.bytes ?? new Uint8Array());
    assert.equal(r.cls, StunClass.ErrorResponse);
    assert.equal(r.errorCode, 420);
    assert.deepEqual(r.unknownAttributes, [0x7ffe, AttributeType.RequestedTransport]);
    assert.ok(r.fingerprintOk);
    assert.ok(sameId(r.msg.transactionId, req.transactionId));
  });

  it("answers 400 to a request whose attributes are malformed", () => {
    const req = request([attr(AttributeType.Software, new Uint8Array(8))]);
    const bytes = Uint8Array.from(req.bytes);
    bytes[22] = 0; // SOFTWARE length 8 → 64: runs past the end
    bytes[23] = 64;
    const out = dispatcher()(inbound(bytes));
    assert.equal(out.result, "bad_request");
    const r = readReply(out.reply?.bytes ?? new Uint8Array());
    assert.equal(r.errorCode, 400);
    assert.ok(sameId(r.msg.transactionId, req.transactionId));
  });

  it("answers 400 to other methods", () => {
    const out = dispatcher()(inbound(request([], { method: StunMethod.Allocate }).bytes));
    assert.equal(out.result, "bad_request");
    assert.equal(readReply(out.reply?.bytes ?? new Uint8Array()).msg.method, StunMethod.Allocate);
  });

  it("drops what cannot be answered", () => {
    const d = dispatcher();
    const garbage = [
      new Uint8Array(0),
      new Uint8Array(19),
      Uint8Array.from(request().bytes).fill(0xff, 0, 1),
      request([], { cls: StunClass.SuccessResponse }).bytes,
      request([], { cls: StunClass.ErrorResponse }).bytes,
      request([], { cls: StunClass.Indication, method: StunMethod.Send }).bytes,
    ];
    for (const g of garbage) assert.deepEqual(d(inbound(g)), { result: "dropped" });
    const badFp = Uint8Array.from(request([], { fingerprint: true }).bytes);
    badFp[badFp.length - 1] ^= 1;
    assert.deepEqual(d(inbound(badFp)), { result: "dropped" });
    const noCookie = Uint8Array.from(request().bytes);
    noCookie[4] = 0;
    assert.deepEqual(d(inbound(noCookie)), { result: "dropped" });
    assert.deepEqual(d(inbound(request([], { cls: StunClass.Indication }).bytes)), { result: "indication" });
  });
});

describe("dispatch: RFC 5780", () => {
  it("answers CHANGE-REQUEST with 420 without an alternate address", () => {
    const out = dispatcher()(
      inbound(
        request([
          attr(AttributeType.ChangeRequest, encodeChangeRequest({ changeIp: false, changePort: false })),
        ]).bytes,
      ),
    );
    assert.equal(out.result, "unknown_attribute");
    assert.deepEqual(readReply(out.reply?.bytes ?? new Uint8Array()).unknownAttributes, [
      AttributeType.ChangeRequest,
    ]);
  });

  it("sends from the changed address/port with RESPONSE-ORIGIN and OTHER-ADDRESS", () => {
    const d = dispatcher({ layout: dual });
    const cases = [
      { changeIp: false, changePort: false, role: "PP", origin: ["127.0.0.1", 3478] },
      { changeIp: true, changePort: false, role: "AP", origin: ["127.0.0.2", 3478] },
      { changeIp: false, changePort: true, role: "PA", origin: ["127.0.0.1", 3479] },
      { changeIp: true, changePort: true, role: "AA", origin: ["127.0.0.2", 3479] },
    ] as const;
    for (const c of cases) {
      const cr = encodeChangeRequest({ changeIp: c.changeIp, changePort: c.changePort });
      const out = d(
        inbound(request([attr(AttributeType.ChangeRequest, cr)]).bytes, {
          source: { address: "127.0.0.9", port: 9 },
        }),
      );
      assert.equal(out.reply?.role, c.role);
      const r = readReply(out.reply?.bytes ?? new Uint8Array());
      assert.deepEqual(r.responseOrigin, { family: "IPv4", address: c.origin[0], port: c.origin[1] });
      assert.deepEqual(r.otherAddress, { family: "IPv4", address: "127.0.0.2", port: 3479 });
    }
    const onAlt = d(inbound(request().bytes, { role: "AA" }));
    assert.deepEqual(readReply(onAlt.reply?.bytes ?? new Uint8Array()).otherAddress, {
      family: "IPv4",
      address: "127.0.0.1",
      port: 3478,
    });
  });

  it("refuses a change over TCP and a malformed CHANGE-REQUEST", () => {
    const d = dispatcher({ layout: dual });
    const cr = encodeChangeRequest({ changeIp: true, changePort: false });
    assert.equal(
      d(inbound(request([attr(AttributeType.ChangeRequest, cr)]).bytes, { transport: "tcp" })).result,
      "bad_request",
    );
    assert.equal(
      d(inbound(request([attr(AttributeType.ChangeRequest, new Uint8Array(8))]).bytes)).result,
      "bad_request",
    );
  });

  it("sends to RESPONSE-PORT, echoes PADDING, and refuses both together", () => {
    const d = dispatcher();
    const rp = attr(AttributeType.ResponsePort, encodeResponsePort(5555));
    const pad = attr(AttributeType.Padding, new Uint8Array(500));
    const toPort = d(inbound(request([rp]).bytes));
    assert.equal(toPort.reply?.port, 5555);
    const padded = d(inbound(request([pad]).bytes));
    assert.equal(readReply(padded.reply?.bytes ?? new Uint8Array()).paddingLength, 500);
    const both = d(inbound(request([rp, pad]).bytes));
    assert.equal(both.result, "bad_request");
    assert.equal(both.reply?.port, 40000);
  });
});

describe("dispatch: amplification guard", () => {
  it("limits requests per source address and refills with time", () => {
    const clock = new ManualClock();
    const d = dispatcher({ clock, rateLimit: { capacity: 2, refillPerSecond: 1, maxKeys: 10 } });
    const a = (): string => d(inbound(request().bytes)).result;
    assert.equal(a(), "success");
    assert.equal(a(), "success");
    assert.equal(a(), "rate_limited");
    assert.equal(
      d(inbound(request().bytes, { source: { address: "192.0.2.8", port: 1 } })).result,
      "success",
    );
    clock.advance(1000);
    assert.equal(a(), "success");
    // Responses and garbage never spend tokens: they get no reply anyway.
    assert.equal(d(inbound(request([], { cls: StunClass.SuccessResponse }).bytes)).result, "dropped");
  });

  it("bounds reply bytes per source, not only replies (a byte budget)", () => {
    const clock = new ManualClock();
    const d = dispatcher({ clock, replyBytes: { capacity: 200, refillPerSecond: 100, maxKeys: 10 } });
    const req = request().bytes;
    const first = d(inbound(req));
    assert.equal(first.reply?.bytes.length, 60, "a 20-byte Binding earns 60 bytes (SOFTWARE configured)");
    // 200 bytes hold three 60-byte replies; the request count alone would have allowed all of them.
    assert.equal(d(inbound(req)).result, "success");
    assert.deepEqual([d(inbound(req)).result, d(inbound(req)).result], ["success", "rate_limited"]);
    assert.equal(
      d(inbound(req, { source: { address: "192.0.2.8", port: 1 } })).result,
      "success",
      "another source has its own budget",
    );
    clock.advance(1000);
    assert.equal(d(inbound(req)).result, "success");
  });

  it("keeps error replies minimal: no SOFTWARE even when configured", () => {
    const req = request([], { method: 0x003 });
    const out = dispatcher()(inbound(req.bytes));
    assert.equal(out.result, "bad_request");
    const r = readReply(out.reply?.bytes ?? new Uint8Array());
    assert.equal(r.software, undefined);
    assert.equal(out.reply?.bytes.length, 56, "header, ERROR-CODE with its reason, FINGERPRINT");
  });

  it("never throws, whatever the bytes", () => {
    const d = dispatcher({ layout: dual });
    const base = encodeStunMessage(
      { method: 1, cls: 0, transactionId: newTransactionId() },
      { fingerprint: true },
    );
    for (let i = 0; i < 5000; i++) {
      const b = Uint8Array.from(base);
      b[Math.floor(Math.random() * b.length)] = Math.floor(Math.random() * 256);
      assert.doesNotThrow(() => d(inbound(b)));
    }
  });
});

describe("dispatch: the plain-request fast path", () => {
  const bindingRequest = (transactionId: Uint8Array, attributes: ReturnType<typeof attr>[]) =>
    encodeStunMessage(
      { method: StunMethod.Binding, cls: StunClass.Request, transactionId, attributes },
      { fingerprint: true },
    );
  // Each pair: a plain request (fast path) and one whose extra attribute sends it through the general RFC 5780
  // path without changing the answer; the responses must be the same bytes.
  const cases: Array<[string, ListenerLayout, ReturnType<typeof attr>]> = [
    ["RESPONSE-PORT = source port", single, attr(AttributeType.ResponsePort, encodeResponsePort(40000))],
    [
      "CHANGE-REQUEST with no flags (RFC 5780 layout)",
      dual,
      attr(AttributeType.ChangeRequest, encodeChangeRequest({ changeIp: false, changePort: false })),
    ],
  ];
  for (const [name, layout, extra] of cases) {
    it(`answers byte for byte as the general path: ${name}`, () => {
      const handle = dispatcher({ layout });
      for (const role of layout.alternate ? (["PP", "PA", "AP", "AA"] as const) : (["PP"] as const)) {
        for (const source of [
          { address: "192.0.2.7", port: 40000 },
          { address: "2001:db8::7", port: 40000 },
        ]) {
          const id = newTransactionId();
          const fast = handle(inbound(bindingRequest(id, []), { role, source }));
          const general = handle(inbound(bindingRequest(id, [extra]), { role, source }));
          assert.equal(fast.result, "success");
          assert.deepEqual(fast, general);
        }
      }
    });
  }
});
