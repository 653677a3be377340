/** Coded errors of the codec. Decoding throws only StunDecodeError; encoding throws only StunEncodeError. */

export type StunDecodeErrorCode =
  /** Fewer bytes than a header (20) or a ChannelData header (4). */
  | "STUN_ERR_TOO_SHORT"
  /** The first two bits are not zero, or the bytes are not STUN at all. */
  | "STUN_ERR_NOT_STUN"
  /** Bytes 4-7 are not the magic cookie (RFC 3489 messages are rejected). */
  | "STUN_ERR_BAD_COOKIE"
  /** The header length is not a multiple of 4 or does not match the bytes received. */
  | "STUN_ERR_BAD_LENGTH"
  /** An attribute's length runs past the end of the message. */
  | "STUN_ERR_ATTRIBUTE_OVERRUN"
  /** An attribute value is malformed for its type. */
  | "STUN_ERR_BAD_ATTRIBUTE"
  /** ChannelData with a channel number outside 0x4000-0x4FFF or a short payload. */
  | "STUN_ERR_BAD_CHANNEL_DATA"
  /** A stream frame larger than the configured maximum, or bytes that start no known frame. */
  | "STUN_ERR_BAD_FRAME";

export class StunDecodeError extends Error {
  override readonly name = "StunDecodeError";
  readonly code: StunDecodeErrorCode;
  /** The attribute type concerned, when the problem is inside one attribute. */
  readonly attributeType: number | undefined;

  constructor(code: StunDecodeErrorCode, message: string, attributeType?: number) {
    super(message);
    this.code = code;
    this.attributeType = attributeType;
  }
}

export type StunEncodeErrorCode =
  /** A value out of the range the RFC allows (port, error code, channel number, text length…). */
  | "STUN_ERR_ENCODE_RANGE"
  /** An address string that is not an IPv4 or IPv6 literal. */
  | "STUN_ERR_ENCODE_ADDRESS"
  /** The message would exceed 65535 bytes of attributes. */
  | "STUN_ERR_ENCODE_TOO_LARGE";

export class StunEncodeError extends RangeError {
  override readonly name = "StunEncodeError";
  readonly code: StunEncodeErrorCode;

  constructor(code: StunEncodeErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Shorthand for attribute-value decoders. */
export function badAttribute(type: number, message: string): StunDecodeError {
  return new StunDecodeError("STUN_ERR_BAD_ATTRIBUTE", message, type);
}

/** Shorthand for encoders. */
export function encodeRange(message: string): StunEncodeError {
  return new StunEncodeError("STUN_ERR_ENCODE_RANGE", message);
}
