// Code points checked against the IANA "Session Traversal Utilities for NAT (STUN) Parameters" registry,
// transcribed here as the registry prints them (value, name, reference).
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import {
  AttributeType,
  ErrorCode,
  StunMethod,
  attributeName,
  errorReason,
  isComprehensionRequired,
  methodName,
} from "../src/index.js";

const ATTRIBUTES: readonly (readonly [number, string, keyof typeof AttributeType])[] = [
  [0x0001, "MAPPED-ADDRESS", "MappedAddress"],
  [0x0002, "Reserved; was RESPONSE-ADDRESS", "ResponseAddress"],
  [0x0003, "CHANGE-REQUEST", "ChangeRequest"],
  [0x0004, "Reserved; was SOURCE-ADDRESS", "SourceAddress"],
  [0x0005, "Reserved; was CHANGED-ADDRESS", "ChangedAddress"],
  [0x0006, "USERNAME", "Username"],
  [0x0007, "Reserved; was PASSWORD", "Password"],
  [0x0008, "MESSAGE-INTEGRITY", "MessageIntegrity"],
  [0x0009, "ERROR-CODE", "ErrorCode"],
  [0x000a, "UNKNOWN-ATTRIBUTES", "UnknownAttributes"],
  [0x000b, "Reserved; was REFLECTED-FROM", "ReflectedFrom"],
  [0x000c, "CHANNEL-NUMBER", "ChannelNumber"],
  [0x000d, "LIFETIME", "Lifetime"],
  [0x0010, "Reserved (was BANDWIDTH)", "Bandwidth"],
  [0x0012, "XOR-PEER-ADDRESS", "XorPeerAddress"],
  [0x0013, "DATA", "Data"],
  [0x0014, "REALM", "Realm"],
  [0x0015, "NONCE", "Nonce"],
  [0x0016, "XOR-RELAYED-ADDRESS", "XorRelayedAddress"],
  [0x0017, "REQUESTED-ADDRESS-FAMILY", "RequestedAddressFamily"],
  [0x0018, "EVEN-PORT", "EvenPort"],
  [0x0019, "REQUESTED-TRANSPORT", "RequestedTransport"],
  [0x001a, "DONT-FRAGMENT", "DontFragment"],
  [0x001b, "ACCESS-TOKEN", "AccessToken"],
  [0x001c, "MESSAGE-INTEGRITY-SHA256", "MessageIntegritySha256"],
  [0x001d, "PASSWORD-ALGORITHM", "PasswordAlgorithm"],
  [0x001e, "USERHASH", "Userhash"],
  [0x0020, "XOR-MAPPED-ADDRESS", "XorMappedAddress"],
  [0x0022, "RESERVATION-TOKEN", "ReservationToken"],
  [0x0024, "PRIORITY", "Priority"],
  [0x0025, "USE-CANDIDATE", "UseCandidate"],
  [0x0026, "PADDING", "Padding"],
  [0x0027, "RESPONSE-PORT", "ResponsePort"],
  [0x002a, "CONNECTION-ID", "ConnectionId"],
  [0x8000, "ADDITIONAL-ADDRESS-FAMILY", "AdditionalAddressFamily"],
  [0x8001, "ADDRESS-ERROR-CODE", "AddressErrorCode"],
  [0x8002, "PASSWORD-ALGORITHMS", "PasswordAlgorithms"],
  [0x8003, "ALTERNATE-DOMAIN", "AlternateDomain"],
  [0x8004, "ICMP", "Icmp"],
  [0x8022, "SOFTWARE", "Software"],
  [0x8023, "ALTERNATE-SERVER", "AlternateServer"],
  [0x8027, "CACHE-TIMEOUT", "CacheTimeout"],
  [0x8028, "FINGERPRINT", "Fingerprint"],
  [0x8029, "ICE-CONTROLLED", "IceControlled"],
  [0x802a, "ICE-CONTROLLING", "IceControlling"],
  [0x802b, "RESPONSE-ORIGIN", "ResponseOrigin"],
  [0x802c, "OTHER-ADDRESS", "OtherAddress"],
  [0x802d, "ECN-CHECK STUN", "EcnCheck"],
  [0x802e, "THIRD-PARTY-AUTHORIZATION", "ThirdPartyAuthorization"],
  [0x8030, "MOBILITY-TICKET", "MobilityTicket"],
];

const METHODS: readonly (readonly [number, string, keyof typeof StunMethod])[] = [
  [0x001, "Binding", "Binding"],
  [0x002, "Reserved; was SharedSecret", "SharedSecret"],
  [0x003, "Allocate", "Allocate"],
  [0x004, "Refresh", "Refresh"],
  [0x006, "Send", "Send"],
  [0x007, "Data", "Data"],
  [0x008, "CreatePermission", "CreatePermission"],
  [0x009, "ChannelBind", "ChannelBind"],
  [0x00a, "Connect", "Connect"],
  [0x00b, "ConnectionBind", "ConnectionBind"],
  [0x00c, "ConnectionAttempt", "ConnectionAttempt"],
];

const ERRORS: readonly (readonly [number, string, keyof typeof ErrorCode])[] = [
  [300, "Try Alternate", "TryAlternate"],
  [400, "Bad Request", "BadRequest"],
  [401, "Unauthenticated", "Unauthenticated"],
  [403, "Forbidden", "Forbidden"],
  [405, "Mobility Forbidden", "MobilityForbidden"],
  [420, "Unknown Attribute", "UnknownAttribute"],
  [437, "Allocation Mismatch", "AllocationMismatch"],
  [438, "Stale Nonce", "StaleNonce"],
  [440, "Address Family not Supported", "AddressFamilyNotSupported"],
  [441, "Wrong Credentials", "WrongCredentials"],
  [442, "Unsupported Transport Protocol", "UnsupportedTransportProtocol"],
  [443, "Peer Address Family Mismatch", "PeerAddressFamilyMismatch"],
  [446, "Connection Already Exists", "ConnectionAlreadyExists"],
  [447, "Connection Timeout or Failure", "ConnectionTimeoutOrFailure"],
  [486, "Allocation Quota Reached", "AllocationQuotaReached"],
  [487, "Role Conflict", "RoleConflict"],
  [500, "Server Error", "ServerError"],
  [508, "Insufficient Capacity", "InsufficientCapacity"],
];

describe("IANA STUN attribute registry", () => {
  it("every registered attribute has its code point", () => {
    for (const [value, iana, key] of ATTRIBUTES) {
      assert.equal(AttributeType[key], value, `${iana} is 0x${value.toString(16)}`);
      assert.equal(attributeName(value), key);
      assert.equal(isComprehensionRequired(value), value < 0x8000, iana);
    }
  });
  it("the codec defines no attribute the table lacks, and no two share a value", () => {
    const values = Object.values(AttributeType);
    assert.equal(new Set(values).size, values.length);
    assert.deepEqual(new Set(values), new Set(ATTRIBUTES.map(([v]) => v)));
  });
});

describe("IANA STUN method registry", () => {
  it("every method has its code point", () => {
    for (const [value, iana, key] of METHODS) {
      assert.equal(StunMethod[key], value, iana);
      assert.equal(methodName(value), key);
    }
    assert.equal(Object.keys(StunMethod).length, METHODS.length);
  });
});

describe("IANA STUN error code registry", () => {
  it("every error code has its value and reason phrase", () => {
    for (const [value, reason, key] of ERRORS) {
      assert.equal(ErrorCode[key], value);
      assert.equal(errorReason(value), reason);
    }
    assert.equal(Object.keys(ErrorCode).length, ERRORS.length);
  });
  it("unregistered codes get a generic phrase", () => {
    assert.equal(errorReason(499), "Bad Request");
    assert.equal(errorReason(599), "Server Error");
  });
});
