// Micro-benchmark of the STUN codec's hot path: decode a Binding request (with FINGERPRINT), build and encode
// a Binding success response (XOR-MAPPED-ADDRESS, SOFTWARE, FINGERPRINT), and the two together.
//   node --conditions=source --import tsx bench/codec/run.ts [seconds per case, default 2]
import {
  AttributeType,
  StunClass,
  StunMethod,
  decodeStunMessage,
  encodeStunMessage,
  getAttribute,
  isStunMessage,
  newTransactionId,
  textAttribute,
  verifyFingerprint,
  xorAddressAttribute,
} from "@switchboard/stun-codec";

const seconds = Number(process.argv[2] ?? 2);
const request = encodeStunMessage(
  { method: StunMethod.Binding, cls: StunClass.Request, transactionId: newTransactionId() },
  { fingerprint: true },
);
const software = textAttribute(AttributeType.Software, "switchboard");
const rinfo = { family: "IPv4", address: "192.0.2.33", port: 54321 } as const;

function respond(bytes: Uint8Array): Uint8Array {
  const msg = decodeStunMessage(bytes);
  if (getAttribute(msg, AttributeType.Fingerprint) !== undefined && !verifyFingerprint(msg))
    throw new Error("fp");
  return encodeStunMessage(
    {
      method: StunMethod.Binding,
      cls: StunClass.SuccessResponse,
      transactionId: msg.transactionId,
      attributes: [xorAddressAttribute(AttributeType.XorMappedAddress, rinfo, msg.transactionId), software],
    },
    { fingerprint: true },
  );
}

const cases: Record<string, () => unknown> = {
  isStunMessage: () => isStunMessage(request),
  "decode request": () => decodeStunMessage(request),
  "decode + verify fingerprint": () => verifyFingerprint(decodeStunMessage(request)),
  "encode response": () =>
    encodeStunMessage(
      {
        method: StunMethod.Binding,
        cls: StunClass.SuccessResponse,
        transactionId: request.subarray(8, 20),
        attributes: [
          xorAddressAttribute(AttributeType.XorMappedAddress, rinfo, request.subarray(8, 20)),
          software,
        ],
      },
      { fingerprint: true },
    ),
  "request -> response (full)": () => respond(request),
};

// Best of several short rounds per case: the machine is shared, and the best round is the codec's own cost.
const ROUNDS = 5;
let sink = 0;
const best = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(cases)) {
    if (round === 0) for (let i = 0; i < 20_000; i++) fn(); // warm-up
    let ops = 0;
    const start = process.hrtime.bigint();
    const end = start + BigInt(Math.round((seconds / ROUNDS) * 1e9));
    let now = start;
    while (now < end) {
      for (let i = 0; i < 1000; i++) if (fn()) sink++;
      ops += 1000;
      now = process.hrtime.bigint();
    }
    const nsPerOp = Number(now - start) / ops;
    best.set(name, Math.min(best.get(name) ?? Infinity, nsPerOp));
  }
}
for (const [name, ns] of best) {
  const perSecond = Math.round(1e9 / ns).toLocaleString("en-US");
  console.log(
    `${name.padEnd(30)} ${perSecond.padStart(12)} ops/s  ${ns.toFixed(0).padStart(5)} ns/op (best of ${ROUNDS})`,
  );
}
if (sink < 0) console.log(sink);
