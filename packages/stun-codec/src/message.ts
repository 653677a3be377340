/**
 * Decoding of STUN messages (RFC 8489 §5, §14, §6.3): header checks, attribute TLVs with padding, the
 * attributes-after-MESSAGE-INTEGRITY rule, and unknown comprehension-required attributes. Zero-copy: the message
 * keeps the received bytes, and each attribute value is a `subarray` view with its offset in them, so integrity
 * and fingerprint are verified on exactly the bytes received.
 */
import {
  AttributeType,
  HEADER_LENGTH,
  MAGIC_COOKIE,
  isComprehensionRequired,
  isKnownAttribute,
  type StunClass,
} from "./constants.js";
import { StunDecodeError, badAttribute } from "./errors.js";
import { classOf, methodOf } from "./header.js";

/** An attribute to encode: a type and its value (unpadded). */
export interface StunAttribute {
  readonly type: number;
  readonly value: Uint8Array;
}

/** A decoded attribute: its value is a view into the message's bytes; `offset` is where its TLV header starts. */
export interface DecodedAttribute extends StunAttribute {
  readonly offset: number;
}

export interface StunMessage {
  /** The message's bytes, exactly as received (a view of the input, not a copy). */
  readonly raw: Uint8Array;
  /** The 14-bit message type. */
  readonly type: number;
  readonly method: number;
  readonly cls: StunClass;
  /** The 12-byte transaction id (a view into `raw`). */
  readonly transactionId: Uint8Array;
  /**
   * Attributes in order, up to and including MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT;
   * attributes the RFC says to ignore (after an integrity attribute, after FINGERPRINT) are left out.
   */
  readonly attributes: readonly DecodedAttribute[];
  /** Unknown comprehension-required attribute types, each once, in order of appearance (for a 420 reply). */
  readonly unknownRequired: readonly number[];
  /** How many attributes were ignored because they followed an integrity attribute or FINGERPRINT. */
  readonly ignoredCount: number;
}

const MI = AttributeType.MessageIntegrity;
const MI256 = AttributeType.MessageIntegritySha256;
const FP = AttributeType.Fingerprint;

/** Checks the lengths of the attributes whose size the decoder relies on (integrity and fingerprint). */
function checkSpecialLength(type: number, length: number): void {
  if (type === MI && length !== 20) throw badAttribute(type, "MESSAGE-INTEGRITY must be 20 bytes");
  if (type === MI256 && (length < 16 || length > 32 || (length & 3) !== 0))
    throw badAttribute(type, "MESSAGE-INTEGRITY-SHA256 must be 16-32 bytes, a multiple of 4");
  if (type === FP && length !== 4) throw badAttribute(type, "FINGERPRINT must be 4 bytes");
}

/**
 * Decodes one STUN message that fills `bytes` exactly (a UDP datagram, or a frame cut by the stream framer).
 * Throws only StunDecodeError. Messages without the magic cookie (RFC 3489) are rejected.
 */
export function decodeStunMessage(bytes: Uint8Array): StunMessage {
  if (bytes.length < HEADER_LENGTH)
    throw new StunDecodeError("STUN_ERR_TOO_SHORT", "fewer than 20 bytes for a STUN header");
  if ((bytes[0] & 0xc0) !== 0)
    throw new StunDecodeError("STUN_ERR_NOT_STUN", "the first two bits of a STUN message must be zero");
  const cookie = ((bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0;
  if (cookie !== MAGIC_COOKIE)
    throw new StunDecodeError("STUN_ERR_BAD_COOKIE", "no magic cookie (RFC 3489 messages are not supported)");
  const length = (bytes[2] << 8) | bytes[3];
  if ((length & 3) !== 0) throw new StunDecodeError("STUN_ERR_BAD_LENGTH", "length is not a multiple of 4");
  if (length + HEADER_LENGTH !== bytes.length)
    throw new StunDecodeError("STUN_ERR_BAD_LENGTH", "length field does not match the bytes received");

  const type = ((bytes[0] << 8) | bytes[1]) & 0x3fff;
  const attributes: DecodedAttribute[] = [];
  let unknownRequired: number[] | undefined;
  let ignoredCount = 0;
  // 0: normal; 1: after MESSAGE-INTEGRITY; 2: after MESSAGE-INTEGRITY-SHA256; 3: after FINGERPRINT.
  let phase = 0;
  let offset = HEADER_LENGTH;
  const end = bytes.length;
  while (offset < end) {
    if (offset + 4 > end)
      throw new StunDecodeError("STUN_ERR_ATTRIBUTE_OVERRUN", "truncated attribute header");
    const attrType = (bytes[offset] << 8) | bytes[offset + 1];
    const attrLength = (bytes[offset + 2] << 8) | bytes[offset + 3];
    const valueStart = offset + 4;
    const valueEnd = valueStart + attrLength;
    if (valueEnd > end)
      throw new StunDecodeError("STUN_ERR_ATTRIBUTE_OVERRUN", "attribute runs past the end of the message");
    const next = valueStart + ((attrLength + 3) & ~3);
    // RFC 8489 §14.5, §14.6: ignore what follows MESSAGE-INTEGRITY except MI-SHA256 and FINGERPRINT, and what
    // follows MI-SHA256 except FINGERPRINT; FINGERPRINT is the last attribute (§14.7).
    const accepted =
      phase === 0 ||
      (phase === 1 && (attrType === MI256 || attrType === FP)) ||
      (phase === 2 && attrType === FP);
    if (accepted) {
      checkSpecialLength(attrType, attrLength);
      attributes.push({ type: attrType, value: bytes.subarray(valueStart, valueEnd), offset });
      if (attrType === MI) phase = 1;
      else if (attrType === MI256) phase = 2;
      else if (attrType === FP) phase = 3;
      else if (isComprehensionRequired(attrType) && !isKnownAttribute(attrType)) {
        unknownRequired ??= [];
        if (!unknownRequired.includes(attrType)) unknownRequired.push(attrType);
      }
    } else {
      ignoredCount++;
    }
    offset = next;
  }
  if (offset !== end) throw new StunDecodeError("STUN_ERR_ATTRIBUTE_OVERRUN", "attribute padding overruns");
  return {
    raw: bytes,
    type,
    method: methodOf(type),
    cls: classOf(type),
    transactionId: bytes.subarray(8, HEADER_LENGTH),
    attributes,
    unknownRequired: unknownRequired ?? EMPTY,
    ignoredCount,
  };
}

const EMPTY: readonly number[] = Object.freeze([]);

/** The first attribute of a type, or undefined (RFC 8489 §14: only the first occurrence needs processing). */
export function getAttribute(msg: StunMessage, type: number): DecodedAttribute | undefined {
  const attrs = msg.attributes;
  for (let i = 0; i < attrs.length; i++) if (attrs[i].type === type) return attrs[i];
  return undefined;
}

/** Whether the message carries an attribute of this type. */
export function hasAttribute(msg: StunMessage, type: number): boolean {
  return getAttribute(msg, type) !== undefined;
}

/** Every attribute of a type, in order. */
export function getAttributes(msg: StunMessage, type: number): DecodedAttribute[] {
  return msg.attributes.filter((a) => a.type === type);
}

/**
 * Comprehension-required attribute types a particular agent does not understand: for services that understand
 * fewer attributes than the codec knows (a STUN-only server and TURN attributes, say). Each type once.
 */
export function unknownRequiredAttributes(msg: StunMessage, understood: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (const a of msg.attributes) {
    if (isComprehensionRequired(a.type) && !understood.has(a.type) && !out.includes(a.type)) out.push(a.type);
  }
  return out;
}
