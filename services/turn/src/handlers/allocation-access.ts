/** Checks shared by the requests that act on an existing allocation (Refresh, CreatePermission, ChannelBind). */
import { StunErrorReply } from "../errors.js";
import type { Allocation } from "../state/allocation.js";
import type { TransportAddress } from "../state/types.js";
import type { HandlerContext, TurnRequest } from "./context.js";

/** The request's allocation: 437 when there is none on this 5-tuple, 441 when other credentials made it. */
export function requireAllocation(ctx: HandlerContext, req: TurnRequest): Allocation {
  const allocation = ctx.allocations.get(req.link.key);
  if (allocation === undefined) throw new StunErrorReply("ALLOCATION_MISMATCH", "no allocation");
  if (req.identity?.username !== allocation.username) throw new StunErrorReply("WRONG_CREDENTIALS");
  return allocation;
}

/** A peer the allocation may talk to: 400 for port 0, 443 without a relay of its family, 403 when policy forbids it. */
export function checkPeer(ctx: HandlerContext, allocation: Allocation, peer: TransportAddress): void {
  if (peer.port === 0) throw new StunErrorReply("BAD_REQUEST", "peer port 0");
  if (!allocation.relays.has(peer.family)) throw new StunErrorReply("PEER_ADDRESS_FAMILY_MISMATCH");
  if (!ctx.policy.isAllowed(peer.address)) throw new StunErrorReply("FORBIDDEN", "peer address not allowed");
}
