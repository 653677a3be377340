/** Binding request (RFC 8489 §7.3): the client's reflexive address, on the TURN port itself. */
import { AttributeType, xorAddressAttribute } from "@switchboard/stun-codec";
import { toWire } from "./attributes.js";
import type { RequestHandler } from "./context.js";

export const handleBinding: RequestHandler = (_ctx, req) => ({
  attributes: [
    xorAddressAttribute(AttributeType.XorMappedAddress, toWire(req.link.remote), req.msg.transactionId),
  ],
});
