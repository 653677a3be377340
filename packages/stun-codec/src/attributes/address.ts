/**
 * Address attributes. Plain (RFC 8489 §14.1): MAPPED-ADDRESS, ALTERNATE-SERVER (§14.15), RESPONSE-ORIGIN and
 * OTHER-ADDRESS (RFC 5780 §7.3-7.4). XOR'ed (RFC 8489 §14.2): XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS and
 * XOR-RELAYED-ADDRESS (RFC 8656 §18.3, §18.5). Value: 0x00, family (1 = IPv4, 2 = IPv6), port, address.
 */
import { MAGIC_COOKIE } from "../constants.js";
import { StunEncodeError, badAttribute, encodeRange } from "../errors.js";
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from "../ip-address.js";
import type { StunAttribute } from "../message.js";

/** A transport address as node's dgram/net report them (`rinfo.family`, `rinfo.address`, `rinfo.port`). */
export interface TransportAddress {
  readonly family: "IPv4" | "IPv6";
  readonly address: string;
  readonly port: number;
}

const FAMILY_IPV4 = 0x01;
const FAMILY_IPV6 = 0x02;

function decode(value: Uint8Array, type: number, xorId: Uint8Array | undefined): TransportAddress {
  if (value.length < 4) throw badAttribute(type, "address attribute shorter than 4 bytes");
  const family = value[1];
  let port = (value[2] << 8) | value[3];
  if (xorId !== undefined) port ^= MAGIC_COOKIE >>> 16;
  if (family === FAMILY_IPV4) {
    if (value.length !== 8) throw badAttribute(type, "IPv4 address attribute must be 8 bytes");
    const b = value.subarray(4, 8);
    if (xorId === undefined) return { family: "IPv4", address: formatIPv4(b), port };
    const x = Uint8Array.of(b[0] ^ 0x21, b[1] ^ 0x12, b[2] ^ 0xa4, b[3] ^ 0x42);
    return { family: "IPv4", address: formatIPv4(x), port };
  }
  if (family === FAMILY_IPV6) {
    if (value.length !== 20) throw badAttribute(type, "IPv6 address attribute must be 20 bytes");
    const b = value.subarray(4, 20);
    if (xorId === undefined) return { family: "IPv6", address: formatIPv6(b), port };
    if (xorId.length !== 12) throw badAttribute(type, "transaction id must be 12 bytes");
    const x = new Uint8Array(16);
    x[0] = b[0] ^ 0x21;
    x[1] = b[1] ^ 0x12;
    x[2] = b[2] ^ 0xa4;
    x[3] = b[3] ^ 0x42;
    for (let i = 4; i < 16; i++) x[i] = b[i] ^ xorId[i - 4];
    return { family: "IPv6", address: formatIPv6(x), port };
  }
  throw badAttribute(type, "unknown address family");
}

function encode(addr: TransportAddress, xorId: Uint8Array | undefined): Uint8Array {
  if (!Number.isInteger(addr.port) || addr.port < 0 || addr.port > 0xffff)
    throw encodeRange("port must be 0-65535");
  const port = xorId === undefined ? addr.port : addr.port ^ (MAGIC_COOKIE >>> 16);
  const v4 = addr.family === "IPv4";
  const out = new Uint8Array(v4 ? 8 : 20);
  out[1] = v4 ? FAMILY_IPV4 : FAMILY_IPV6;
  out[2] = port >> 8;
  out[3] = port & 0xff;
  const ok = v4 ? parseIPv4(addr.address, out, 4) : parseIPv6(addr.address, out, 4);
  if (!ok) throw new StunEncodeError("STUN_ERR_ENCODE_ADDRESS", `not an ${addr.family} address`);
  if (xorId !== undefined) {
    out[4] = out[4] ^ 0x21;
    out[5] = out[5] ^ 0x12;
    out[6] = out[6] ^ 0xa4;
    out[7] = out[7] ^ 0x42;
    if (!v4) {
      if (xorId.length !== 12) throw encodeRange("transaction id must be 12 bytes");
      for (let i = 0; i < 12; i++) out[8 + i] = out[8 + i] ^ xorId[i];
    }
  }
  return out;
}

/** Decodes a MAPPED-ADDRESS-style value (MAPPED-ADDRESS, ALTERNATE-SERVER, RESPONSE-ORIGIN, OTHER-ADDRESS). */
export function decodeAddress(value: Uint8Array, type = 0): TransportAddress {
  return decode(value, type, undefined);
}

/** Encodes a MAPPED-ADDRESS-style value. */
export function encodeAddress(addr: TransportAddress): Uint8Array {
  return encode(addr, undefined);
}

/** Decodes an XOR-…-ADDRESS value with the message's transaction id. */
export function decodeXorAddress(value: Uint8Array, transactionId: Uint8Array, type = 0): TransportAddress {
  return decode(value, type, transactionId);
}

/** Encodes an XOR-…-ADDRESS value with the message's transaction id. */
export function encodeXorAddress(addr: TransportAddress, transactionId: Uint8Array): Uint8Array {
  return encode(addr, transactionId);
}

/** An attribute of a plain address type (MAPPED-ADDRESS, ALTERNATE-SERVER, RESPONSE-ORIGIN, OTHER-ADDRESS). */
export function addressAttribute(type: number, addr: TransportAddress): StunAttribute {
  return { type, value: encode(addr, undefined) };
}

/** An attribute of an XOR address type (XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS). */
export function xorAddressAttribute(
  type: number,
  addr: TransportAddress,
  transactionId: Uint8Array,
): StunAttribute {
  return { type, value: encode(addr, transactionId) };
}
