/**
 * Allocate (RFC 8656 §7.2, RFC 6156, RFC 8656 §7.2 dual allocation): a UDP relay for this 5-tuple. A
 * retransmission (same transaction id) gets the first success again; any other Allocate on the 5-tuple 437.
 */
import {
  AttributeType,
  TransportProtocol,
  decodeAdditionalAddressFamily,
  decodeEvenPort,
  decodeRequestedAddressFamily,
  decodeRequestedTransport,
  decodeReservationToken,
  encodeAddressErrorCode,
  encodeLifetime,
  transactionIdToHex,
  xorAddressAttribute,
  type StunAttribute,
} from "@switchboard/stun-codec";
import { StunErrorReply } from "../errors.js";
import type { AddressFamily } from "../state/types.js";
import { optional, toWire } from "./attributes.js";
import type { RequestHandler, TurnRequest } from "./context.js";
import { allocateLifetime, requestedLifetime } from "./lifetime.js";

const wireFamily = (f: AddressFamily): number => (f === 6 ? 2 : 1);

/** The relay families asked for: REQUESTED-ADDRESS-FAMILY (default IPv4) or IPv4 plus ADDITIONAL-ADDRESS-FAMILY. */
function requestedFamilies(req: TurnRequest, hasToken: boolean): AddressFamily[] {
  const requested = optional(req.msg, AttributeType.RequestedAddressFamily, decodeRequestedAddressFamily);
  const additional = optional(req.msg, AttributeType.AdditionalAddressFamily, decodeAdditionalAddressFamily);
  if (requested !== undefined && hasToken) {
    throw new StunErrorReply("BAD_REQUEST", "RESERVATION-TOKEN with REQUESTED-ADDRESS-FAMILY");
  }
  if (requested !== undefined && additional !== undefined) {
    throw new StunErrorReply("BAD_REQUEST", "REQUESTED- and ADDITIONAL-ADDRESS-FAMILY together");
  }
  if (additional !== undefined) {
    if (additional !== 2) throw new StunErrorReply("BAD_REQUEST", "ADDITIONAL-ADDRESS-FAMILY must be IPv6");
    return [4, 6];
  }
  if (requested === undefined || requested === 1) return [4];
  if (requested === 2) return [6];
  throw new StunErrorReply("ADDRESS_FAMILY_NOT_SUPPORTED");
}

export const handleAllocate: RequestHandler = async (ctx, req) => {
  const key = req.link.key;
  const txid = transactionIdToHex(req.msg.transactionId);
  const existing = ctx.allocations.get(key);
  if (existing !== undefined) {
    const cached = existing.allocateTransactionId === txid ? existing.allocateResponse : undefined;
    if (cached !== undefined && existing.username === req.identity?.username) return { raw: cached };
    throw new StunErrorReply("ALLOCATION_MISMATCH", "allocation exists");
  }
  if (ctx.allocations.isPending(key)) return { drop: true };
  const identity = req.identity;
  if (identity === undefined) throw new StunErrorReply("UNAUTHENTICATED");

  const transport = optional(req.msg, AttributeType.RequestedTransport, decodeRequestedTransport);
  if (transport === undefined) throw new StunErrorReply("BAD_REQUEST", "REQUESTED-TRANSPORT missing");
  if (transport !== TransportProtocol.Udp) throw new StunErrorReply("UNSUPPORTED_TRANSPORT");
  const evenPort = optional(req.msg, AttributeType.EvenPort, decodeEvenPort);
  const token = optional(req.msg, AttributeType.ReservationToken, decodeReservationToken);
  if (evenPort !== undefined && token !== undefined) {
    throw new StunErrorReply("BAD_REQUEST", "EVEN-PORT with RESERVATION-TOKEN");
  }
  const families = requestedFamilies(req, token !== undefined);
  const lifetime = allocateLifetime(ctx, requestedLifetime(req.msg));

  const result = await ctx.allocations.create({
    client: req.link,
    username: identity.username,
    quotaKey: identity.quotaKey,
    ...(identity.quotaLimit === undefined ? {} : { quotaLimit: identity.quotaLimit }),
    integrityKey: identity.key,
    transactionId: txid,
    families,
    lifetimeSeconds: lifetime,
    ...(evenPort === undefined ? {} : { evenPort }),
    ...(token === undefined ? {} : { reservationToken: token }),
  });
  const { allocation } = result;
  const tid = req.msg.transactionId;
  const attributes: StunAttribute[] = [];
  for (const relay of allocation.relays.values()) {
    attributes.push(xorAddressAttribute(AttributeType.XorRelayedAddress, toWire(relay.advertised), tid));
  }
  for (const { family, error } of result.failedFamilies) {
    const value = encodeAddressErrorCode(wireFamily(family), error.code, error.reason);
    attributes.push({ type: AttributeType.AddressErrorCode, value });
  }
  attributes.push({ type: AttributeType.Lifetime, value: encodeLifetime(lifetime) });
  if (result.reservationToken !== undefined) {
    attributes.push({ type: AttributeType.ReservationToken, value: result.reservationToken });
  }
  attributes.push(xorAddressAttribute(AttributeType.XorMappedAddress, toWire(req.link.remote), tid));
  for (const f of allocation.relays.keys()) ctx.metrics.allocationsCreated.inc({ family: `ipv${f}` });
  return {
    attributes,
    remember: (encoded) => {
      allocation.allocateResponse = encoded;
    },
  };
};
