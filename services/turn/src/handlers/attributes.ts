/** Reading request attributes into the service's shapes; malformed values become 400 Bad Request. */
import {
  AttributeType,
  StunDecodeError,
  decodeXorAddress,
  getAttribute,
  getAttributes,
  type StunMessage,
  type TransportAddress as WireAddress,
} from "@switchboard/stun-codec";
import { StunErrorReply } from "../errors.js";
import type { TransportAddress } from "../state/types.js";

/** Runs a decoder, turning codec errors into 400. */
export function decodeOr400<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof StunDecodeError) throw new StunErrorReply("BAD_REQUEST", err.message);
    throw err;
  }
}

export const fromWire = (a: WireAddress): TransportAddress => ({
  address: a.address,
  port: a.port,
  family: a.family === "IPv6" ? 6 : 4,
});

export const toWire = (a: TransportAddress): WireAddress => ({
  address: a.address,
  port: a.port,
  family: a.family === 6 ? "IPv6" : "IPv4",
});

/** Every XOR-PEER-ADDRESS of a request; at least one is required. */
export function peerAddresses(msg: StunMessage): TransportAddress[] {
  const attrs = getAttributes(msg, AttributeType.XorPeerAddress);
  if (attrs.length === 0) throw new StunErrorReply("BAD_REQUEST", "XOR-PEER-ADDRESS missing");
  return attrs.map((a) => fromWire(decodeOr400(() => decodeXorAddress(a.value, msg.transactionId, a.type))));
}

/** The first attribute of a type decoded, or undefined when absent. */
export function optional<T>(msg: StunMessage, type: number, decode: (value: Uint8Array) => T): T | undefined {
  const a = getAttribute(msg, type);
  return a === undefined ? undefined : decodeOr400(() => decode(a.value));
}
