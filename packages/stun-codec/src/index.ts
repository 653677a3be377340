// @switchboard/stun-codec — the pure STUN/TURN wire format. See README.md for the RFC section of each concept.
export {
  MAGIC_COOKIE,
  HEADER_LENGTH,
  TRANSACTION_ID_LENGTH,
  StunClass,
  StunMethod,
  AttributeType,
  PasswordAlgorithm,
  AddressFamily,
  TransportProtocol,
  isComprehensionRequired,
  isKnownAttribute,
  methodName,
  attributeName,
} from "./constants.js";
export { ErrorCode, errorReason } from "./error-codes.js";
export {
  StunDecodeError,
  StunEncodeError,
  type StunDecodeErrorCode,
  type StunEncodeErrorCode,
} from "./errors.js";
export {
  isStunMessage,
  readStunHeader,
  readMagicCookie,
  messageType,
  methodOf,
  classOf,
  type StunHeader,
} from "./header.js";
export { newTransactionId, transactionIdToHex, transactionIdEquals } from "./transaction-id.js";
export {
  decodeStunMessage,
  getAttribute,
  getAttributes,
  hasAttribute,
  unknownRequiredAttributes,
  type StunAttribute,
  type DecodedAttribute,
  type StunMessage,
} from "./message.js";
export {
  encodeStunMessage,
  type StunMessageInit,
  type EncodeOptions,
  type IntegrityOptions,
} from "./encode.js";
export {
  shortTermKey,
  longTermKey,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
  integrityKind,
  type LongTermKeyInput,
  type Preparation,
} from "./integrity.js";
export { verifyFingerprint, FINGERPRINT_XOR } from "./fingerprint.js";
export { prepareOpaqueString, prepareSaslPrep } from "./opaque-string.js";
export { parseIPv4, parseIPv6, formatIPv4, formatIPv6 } from "./ip-address.js";
export {
  encodeChannelData,
  encodeChannelDataHeader,
  decodeChannelData,
  CHANNEL_DATA_HEADER_LENGTH,
  type ChannelData,
  type ChannelDataOptions,
} from "./channel-data.js";
export { classifyPacket, type PacketKind } from "./demux.js";
export {
  nextStreamFrame,
  StreamFramer,
  MAX_STREAM_FRAME,
  type FrameResult,
  type FramerOptions,
  type FrameKind,
} from "./stream-framer.js";
// attribute values
export {
  decodeAddress,
  encodeAddress,
  decodeXorAddress,
  encodeXorAddress,
  addressAttribute,
  xorAddressAttribute,
  type TransportAddress,
} from "./attributes/address.js";
export {
  decodeErrorCode,
  encodeErrorCode,
  errorCodeAttribute,
  decodeAddressErrorCode,
  encodeAddressErrorCode,
  MAX_REASON_BYTES,
  type StunError,
  type AddressError,
} from "./attributes/error-code.js";
export { decodeText, encodeText, textAttribute, TEXT_LIMITS } from "./attributes/text.js";
export {
  decodeUnknownAttributes,
  encodeUnknownAttributes,
  unknownAttributesAttribute,
} from "./attributes/unknown-attributes.js";
export {
  decodePasswordAlgorithm,
  encodePasswordAlgorithm,
  decodePasswordAlgorithms,
  encodePasswordAlgorithms,
  decodeUserhash,
  computeUserhash,
  type PasswordAlgorithmValue,
} from "./attributes/password-algorithm.js";
export {
  decodeChangeRequest,
  encodeChangeRequest,
  decodeResponsePort,
  encodeResponsePort,
  encodePadding,
  type ChangeRequest,
} from "./attributes/nat-behavior.js";
export {
  MIN_CHANNEL,
  MAX_CHANNEL,
  MAX_CHANNEL_RFC5766,
  maxChannel,
  type ChannelRangeOptions,
  isValidChannelNumber,
  decodeChannelNumber,
  encodeChannelNumber,
  decodeLifetime,
  encodeLifetime,
  decodeConnectionId,
  encodeConnectionId,
  decodeRequestedTransport,
  encodeRequestedTransport,
  decodeRequestedAddressFamily,
  encodeRequestedAddressFamily,
  decodeAdditionalAddressFamily,
  encodeAdditionalAddressFamily,
  decodeEvenPort,
  encodeEvenPort,
  decodeReservationToken,
  decodeIcmp,
  encodeIcmp,
  type IcmpValue,
} from "./attributes/turn.js";
export { decodePriority, encodePriority, decodeTieBreaker, encodeTieBreaker } from "./attributes/ice.js";
export { decodeUint32, encodeUint32, decodeUint64, encodeUint64, checkEmpty } from "./attributes/numbers.js";
