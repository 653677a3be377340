/**
 * CreatePermission (RFC 8656 §9): installs or refreshes a permission for each XOR-PEER-ADDRESS, all or none:
 * 443 for a family without a relay, 403 for a peer the policy refuses, 508 when the table is full.
 */
import { StunErrorReply } from "../errors.js";
import { checkPeer, requireAllocation } from "./allocation-access.js";
import { peerAddresses } from "./attributes.js";
import type { RequestHandler } from "./context.js";

export const handleCreatePermission: RequestHandler = (ctx, req) => {
  const allocation = requireAllocation(ctx, req);
  const peers = peerAddresses(req.msg);
  for (const peer of peers) checkPeer(ctx, allocation, peer);
  const ips = peers.map((p) => p.address);
  if (!allocation.permissions.canInstall(ips))
    throw new StunErrorReply("INSUFFICIENT_CAPACITY", "permissions");
  for (const ip of ips) allocation.permissions.install(ip);
  return { attributes: [] };
};
