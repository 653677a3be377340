/** Refresh (RFC 8656 §7.3): a new lifetime for the allocation, or its deletion with LIFETIME 0. */
import { AttributeType, decodeRequestedAddressFamily, encodeLifetime } from "@switchboard/stun-codec";
import { StunErrorReply } from "../errors.js";
import { requireAllocation } from "./allocation-access.js";
import { optional } from "./attributes.js";
import type { RequestHandler } from "./context.js";
import { refreshLifetime, requestedLifetime } from "./lifetime.js";

export const handleRefresh: RequestHandler = (ctx, req) => {
  const allocation = requireAllocation(ctx, req);
  const family = optional(req.msg, AttributeType.RequestedAddressFamily, decodeRequestedAddressFamily);
  if (family !== undefined && !allocation.relays.has(family === 2 ? 6 : 4)) {
    throw new StunErrorReply("PEER_ADDRESS_FAMILY_MISMATCH");
  }
  const lifetime = refreshLifetime(ctx, requestedLifetime(req.msg));
  ctx.allocations.refresh(allocation, lifetime);
  return { attributes: [{ type: AttributeType.Lifetime, value: encodeLifetime(lifetime) }] };
};
