/**
 * STUN/TURN code points: header constants, classes, methods and attribute types (IANA "STUN Parameters" registry;
 * RFC 5389 §18, RFC 8489 §18, RFC 5780 §9, RFC 8656 §17-18, RFC 6156, RFC 6062 §6, RFC 8445 §16).
 */

/** RFC 5389 §6: the fixed magic cookie in bytes 4-7 of every RFC 5389/8489 message. */
export const MAGIC_COOKIE = 0x2112a442;
/** RFC 5389 §6: 20-byte header (type, length, cookie, 96-bit transaction id). */
export const HEADER_LENGTH = 20;
/** RFC 5389 §6: 96-bit transaction id. */
export const TRANSACTION_ID_LENGTH = 12;

/** RFC 5389 §6: the two class bits C1 C0. */
export const StunClass = {
  Request: 0,
  Indication: 1,
  SuccessResponse: 2,
  ErrorResponse: 3,
} as const;
export type StunClass = (typeof StunClass)[keyof typeof StunClass];

/** IANA STUN methods (RFC 5389 §18.1, RFC 8656 §17, RFC 6062 §6.1). */
export const StunMethod = {
  Binding: 0x001,
  /** Reserved (was SharedSecret in RFC 3489). */
  SharedSecret: 0x002,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
  Connect: 0x00a,
  ConnectionBind: 0x00b,
  ConnectionAttempt: 0x00c,
} as const;
export type StunMethod = (typeof StunMethod)[keyof typeof StunMethod];

/** IANA STUN attribute types. 0x0000-0x7FFF comprehension-required, 0x8000-0xFFFF comprehension-optional. */
export const AttributeType = {
  // RFC 5389 / RFC 8489 §14
  MappedAddress: 0x0001,
  /** Reserved (RFC 3489). */
  ResponseAddress: 0x0002,
  /** RFC 5780 §7.2. */
  ChangeRequest: 0x0003,
  /** Reserved (RFC 3489). */
  SourceAddress: 0x0004,
  /** Reserved (RFC 3489). */
  ChangedAddress: 0x0005,
  Username: 0x0006,
  /** Reserved (RFC 3489). */
  Password: 0x0007,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  /** Reserved (RFC 3489). */
  ReflectedFrom: 0x000b,
  // RFC 8656 §18 (TURN)
  ChannelNumber: 0x000c,
  Lifetime: 0x000d,
  /** Reserved (was BANDWIDTH in early TURN drafts). */
  Bandwidth: 0x0010,
  XorPeerAddress: 0x0012,
  Data: 0x0013,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  /** RFC 6156 §4.1.1 / RFC 8656 §18.8. */
  RequestedAddressFamily: 0x0017,
  EvenPort: 0x0018,
  RequestedTransport: 0x0019,
  DontFragment: 0x001a,
  /** RFC 7635 §6.2. */
  AccessToken: 0x001b,
  /** RFC 8489 §14.6. */
  MessageIntegritySha256: 0x001c,
  /** RFC 8489 §14.12. */
  PasswordAlgorithm: 0x001d,
  /** RFC 8489 §14.4. */
  Userhash: 0x001e,
  XorMappedAddress: 0x0020,
  ReservationToken: 0x0022,
  /** RFC 8445 §16.1 (ICE). */
  Priority: 0x0024,
  /** RFC 8445 §16.1 (ICE). */
  UseCandidate: 0x0025,
  /** RFC 5780 §7.4. */
  Padding: 0x0026,
  /** RFC 5780 §7.5. */
  ResponsePort: 0x0027,
  /** RFC 6062 §6.2.1. */
  ConnectionId: 0x002a,
  // comprehension-optional
  /** RFC 8656 §18.11. */
  AdditionalAddressFamily: 0x8000,
  /** RFC 8656 §18.12. */
  AddressErrorCode: 0x8001,
  /** RFC 8489 §14.11. */
  PasswordAlgorithms: 0x8002,
  /** RFC 8489 §14.16. */
  AlternateDomain: 0x8003,
  /** RFC 8656 §18.13. */
  Icmp: 0x8004,
  Software: 0x8022,
  AlternateServer: 0x8023,
  /** RFC 5780 §7.7 (reserved by RFC 5780, unused). */
  CacheTimeout: 0x8027,
  Fingerprint: 0x8028,
  /** RFC 8445 §16.1 (ICE). */
  IceControlled: 0x8029,
  /** RFC 8445 §16.1 (ICE). */
  IceControlling: 0x802a,
  /** RFC 5780 §7.3. */
  ResponseOrigin: 0x802b,
  /** RFC 5780 §7.4. */
  OtherAddress: 0x802c,
  /** RFC 6679 §7.2.2. */
  EcnCheck: 0x802d,
  /** RFC 7635 §6.1. */
  ThirdPartyAuthorization: 0x802e,
  /** RFC 8016 §3.1. */
  MobilityTicket: 0x8030,
} as const;
export type AttributeType = (typeof AttributeType)[keyof typeof AttributeType];

/** RFC 5389 §15 / RFC 8489 §14: attribute types below 0x8000 must be understood by the receiver. */
export function isComprehensionRequired(type: number): boolean {
  return (type & 0x8000) === 0;
}

/** RFC 8489 §18.5: PASSWORD-ALGORITHM values. */
export const PasswordAlgorithm = {
  Md5: 0x0001,
  Sha256: 0x0002,
} as const;
export type PasswordAlgorithm = (typeof PasswordAlgorithm)[keyof typeof PasswordAlgorithm];

/** RFC 8656 §18.8 / RFC 6156: address family numbers used by REQUESTED-ADDRESS-FAMILY and friends. */
export const AddressFamily = {
  IPv4: 0x01,
  IPv6: 0x02,
} as const;
export type AddressFamily = (typeof AddressFamily)[keyof typeof AddressFamily];

/** IANA protocol numbers for REQUESTED-TRANSPORT (RFC 8656 §18.7, RFC 6062 §6.1). */
export const TransportProtocol = {
  Tcp: 6,
  Udp: 17,
} as const;
export type TransportProtocol = (typeof TransportProtocol)[keyof typeof TransportProtocol];

const methodNames = new Map<number, string>(Object.entries(StunMethod).map(([k, v]) => [v, k]));
const attributeNames = new Map<number, string>(Object.entries(AttributeType).map(([k, v]) => [v, k]));

/** A readable name for a method ("Binding"), or "0x…" when unregistered. For logs and metrics labels. */
export function methodName(method: number): string {
  return methodNames.get(method) ?? `0x${method.toString(16).padStart(3, "0")}`;
}

/** A readable name for an attribute type ("XorMappedAddress"), or "0x…" when unregistered. */
export function attributeName(type: number): string {
  return attributeNames.get(type) ?? `0x${type.toString(16).padStart(4, "0")}`;
}

/**
 * Registered types this codec does not implement: RFC 3489 leftovers reserved by RFC 5389, early TURN's BANDWIDTH,
 * and RFC 7635's ACCESS-TOKEN (no third-party authorization here). A receiver treats them as unknown.
 */
const NOT_UNDERSTOOD: ReadonlySet<number> = new Set<number>([
  AttributeType.ResponseAddress,
  AttributeType.SourceAddress,
  AttributeType.ChangedAddress,
  AttributeType.Password,
  AttributeType.ReflectedFrom,
  AttributeType.Bandwidth,
  AttributeType.AccessToken,
]);

/**
 * Whether the codec understands the attribute type: registered and not reserved/unimplemented. Decoding reports
 * comprehension-required types for which this is false in `unknownRequired`.
 */
export function isKnownAttribute(type: number): boolean {
  return attributeNames.has(type) && !NOT_UNDERSTOOD.has(type);
}
