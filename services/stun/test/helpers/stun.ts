/** Test helpers: build requests and read responses with the codec (the service's own client side for tests). */
import {
  AttributeType,
  StunClass,
  StunMethod,
  decodeAddress,
  decodeErrorCode,
  decodeStunMessage,
  decodeText,
  decodeUnknownAttributes,
  decodeXorAddress,
  encodeStunMessage,
  getAttribute,
  newTransactionId,
  verifyFingerprint,
  type StunAttribute,
  type StunMessage,
  type TransportAddress,
} from "@switchboard/stun-codec";

export interface Request {
  readonly bytes: Uint8Array;
  readonly transactionId: Uint8Array;
}

/** A Binding request (or another method/class) with the given attributes. */
export function request(
  attributes: readonly StunAttribute[] = [],
  opts: { method?: number; cls?: (typeof StunClass)[keyof typeof StunClass]; fingerprint?: boolean } = {},
): Request {
  const transactionId = newTransactionId();
  const bytes = encodeStunMessage(
    {
      method: opts.method ?? StunMethod.Binding,
      cls: opts.cls ?? StunClass.Request,
      transactionId,
      attributes,
    },
    { fingerprint: opts.fingerprint ?? false },
  );
  return { bytes, transactionId };
}

/** What a test wants to know about a response. */
export interface Reply {
  readonly msg: StunMessage;
  readonly cls: number;
  readonly fingerprintOk: boolean;
  readonly xorMapped?: TransportAddress;
  readonly mapped?: TransportAddress;
  readonly responseOrigin?: TransportAddress;
  readonly otherAddress?: TransportAddress;
  readonly software?: string;
  readonly errorCode?: number;
  readonly unknownAttributes?: readonly number[];
  readonly paddingLength?: number;
}

/** Decodes a response and pulls out its attributes. */
export function readReply(bytes: Uint8Array): Reply {
  const msg = decodeStunMessage(bytes);
  const get = (t: number): Uint8Array | undefined => getAttribute(msg, t)?.value;
  const xm = get(AttributeType.XorMappedAddress);
  const m = get(AttributeType.MappedAddress);
  const ro = get(AttributeType.ResponseOrigin);
  const oa = get(AttributeType.OtherAddress);
  const sw = get(AttributeType.Software);
  const ec = get(AttributeType.ErrorCode);
  const ua = get(AttributeType.UnknownAttributes);
  const pad = get(AttributeType.Padding);
  return {
    msg,
    cls: msg.cls,
    fingerprintOk: verifyFingerprint(msg),
    ...(xm && { xorMapped: decodeXorAddress(xm, msg.transactionId) }),
    ...(m && { mapped: decodeAddress(m) }),
    ...(ro && { responseOrigin: decodeAddress(ro) }),
    ...(oa && { otherAddress: decodeAddress(oa) }),
    ...(sw && { software: decodeText(sw, AttributeType.Software) }),
    ...(ec && { errorCode: decodeErrorCode(ec).code }),
    ...(ua && { unknownAttributes: decodeUnknownAttributes(ua) }),
    ...(pad && { paddingLength: pad.length }),
  };
}

export const sameId = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
