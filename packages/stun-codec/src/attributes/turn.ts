/**
 * TURN attribute values (RFC 8656 §18, RFC 6156, RFC 6062): CHANNEL-NUMBER, LIFETIME, DATA,
 * REQUESTED-TRANSPORT, REQUESTED-ADDRESS-FAMILY, ADDITIONAL-ADDRESS-FAMILY, EVEN-PORT, DONT-FRAGMENT,
 * RESERVATION-TOKEN, ICMP, CONNECTION-ID. XOR-PEER/RELAYED-ADDRESS are in address.ts, ADDRESS-ERROR-CODE in
 * error-code.ts.
 */
import { AttributeType } from "../constants.js";
import { badAttribute, encodeRange } from "../errors.js";
import { checkSize, decodeUint32, encodeUint32 } from "./numbers.js";

/** RFC 8656 §12: channel numbers a client may bind. */
export const MIN_CHANNEL = 0x4000;
export const MAX_CHANNEL = 0x4fff;
/** RFC 5766 §11 allowed 0x4000-0x7FFF; coturn and its `turnutils_uclient` still bind numbers up to 0x7FFF. */
export const MAX_CHANNEL_RFC5766 = 0x7fff;

export interface ChannelRangeOptions {
  /** Accept RFC 5766's wider range 0x4000-0x7FFF (for coturn interoperability); default RFC 8656's 0x4FFF. */
  readonly legacyChannelRange?: boolean;
}

/** The highest valid channel number under these options. */
export function maxChannel(options?: ChannelRangeOptions): number {
  return options?.legacyChannelRange ? MAX_CHANNEL_RFC5766 : MAX_CHANNEL;
}

export function isValidChannelNumber(n: number, options?: ChannelRangeOptions): boolean {
  return Number.isInteger(n) && n >= MIN_CHANNEL && n <= maxChannel(options);
}

/** CHANNEL-NUMBER (§18.1): 16-bit number + 16 reserved bits. The range is the caller's check (400 in TURN). */
export function decodeChannelNumber(value: Uint8Array): number {
  if (value.length !== 4) throw badAttribute(AttributeType.ChannelNumber, "CHANNEL-NUMBER must be 4 bytes");
  return (value[0] << 8) | value[1];
}

export function encodeChannelNumber(channel: number): Uint8Array {
  if (!Number.isInteger(channel) || channel < 0 || channel > 0xffff)
    throw encodeRange("channel must be 0-0xFFFF");
  return Uint8Array.of(channel >> 8, channel & 0xff, 0, 0);
}

/** LIFETIME (§18.2): seconds, 32 bits. */
export function decodeLifetime(value: Uint8Array): number {
  return decodeUint32(value, AttributeType.Lifetime);
}

export const encodeLifetime = encodeUint32;

/** CONNECTION-ID (RFC 6062 §6.2.1): 32 bits. */
export function decodeConnectionId(value: Uint8Array): number {
  return decodeUint32(value, AttributeType.ConnectionId);
}

export const encodeConnectionId = encodeUint32;

/** REQUESTED-TRANSPORT (§18.7): protocol number (17 UDP, 6 TCP) + 3 reserved bytes. */
export function decodeRequestedTransport(value: Uint8Array): number {
  if (value.length !== 4)
    throw badAttribute(AttributeType.RequestedTransport, "REQUESTED-TRANSPORT must be 4 bytes");
  return value[0];
}

export function encodeRequestedTransport(protocol: number): Uint8Array {
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 255)
    throw encodeRange("protocol must be 0-255");
  return Uint8Array.of(protocol, 0, 0, 0);
}

function decodeFamily(value: Uint8Array, type: number): number {
  if (value.length !== 4) throw badAttribute(type, "address family attribute must be 4 bytes");
  return value[0];
}

function encodeFamily(family: number): Uint8Array {
  if (family !== 1 && family !== 2) throw encodeRange("address family must be 1 (IPv4) or 2 (IPv6)");
  return Uint8Array.of(family, 0, 0, 0);
}

/**
 * REQUESTED-ADDRESS-FAMILY (§18.8, RFC 6156 §4.1.1): family byte + 3 reserved. Returns the raw byte: a server
 * answers 440 for values other than 1 (IPv4) and 2 (IPv6).
 */
export function decodeRequestedAddressFamily(value: Uint8Array): number {
  return decodeFamily(value, AttributeType.RequestedAddressFamily);
}

export const encodeRequestedAddressFamily = encodeFamily;

/** ADDITIONAL-ADDRESS-FAMILY (§18.11): same layout; only 2 (IPv6) is meaningful. */
export function decodeAdditionalAddressFamily(value: Uint8Array): number {
  return decodeFamily(value, AttributeType.AdditionalAddressFamily);
}

export const encodeAdditionalAddressFamily = encodeFamily;

/**
 * EVEN-PORT (§18.9): one byte whose top bit R asks to reserve the next port. Values of 2-4 bytes (senders that
 * count the padding) are tolerated; the first byte is read.
 */
export function decodeEvenPort(value: Uint8Array): { readonly reserveNext: boolean } {
  if (value.length < 1 || value.length > 4)
    throw badAttribute(AttributeType.EvenPort, "EVEN-PORT must be 1 byte");
  return { reserveNext: (value[0] & 0x80) !== 0 };
}

export function encodeEvenPort(reserveNext: boolean): Uint8Array {
  return Uint8Array.of(reserveNext ? 0x80 : 0);
}

/** RESERVATION-TOKEN (§18.10): 8 opaque bytes (a view). */
export function decodeReservationToken(value: Uint8Array): Uint8Array {
  return checkSize(value, AttributeType.ReservationToken, 8);
}

/** ICMP (§18.13): 16 reserved bits, ICMP type, ICMP code, 32 bits of error data. */
export interface IcmpValue {
  readonly icmpType: number;
  readonly icmpCode: number;
  readonly errorData: number;
}

export function decodeIcmp(value: Uint8Array): IcmpValue {
  if (value.length !== 8) throw badAttribute(AttributeType.Icmp, "ICMP must be 8 bytes");
  return {
    icmpType: value[2],
    icmpCode: value[3],
    errorData: ((value[4] << 24) | (value[5] << 16) | (value[6] << 8) | value[7]) >>> 0,
  };
}

export function encodeIcmp(icmp: IcmpValue): Uint8Array {
  if (!Number.isInteger(icmp.icmpType) || icmp.icmpType < 0 || icmp.icmpType > 255)
    throw encodeRange("ICMP type must be 0-255");
  if (!Number.isInteger(icmp.icmpCode) || icmp.icmpCode < 0 || icmp.icmpCode > 255)
    throw encodeRange("ICMP code must be 0-255");
  const data = encodeUint32(icmp.errorData);
  return Uint8Array.of(0, 0, icmp.icmpType, icmp.icmpCode, data[0], data[1], data[2], data[3]);
}
