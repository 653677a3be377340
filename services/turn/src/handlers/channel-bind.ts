/**
 * ChannelBind (RFC 8656 §11.2): binds a channel number to one peer address for 600 s, or refreshes that same
 * binding; also installs/refreshes the peer's permission. Bad numbers and conflicting binds get 400.
 */
import { AttributeType, decodeChannelNumber, isValidChannelNumber } from "@switchboard/stun-codec";
import { CHANNEL_RANGE } from "../channel-range.js";
import { StunErrorReply } from "../errors.js";
import { checkPeer, requireAllocation } from "./allocation-access.js";
import { optional, peerAddresses } from "./attributes.js";
import type { RequestHandler } from "./context.js";

export const handleChannelBind: RequestHandler = (ctx, req) => {
  const allocation = requireAllocation(ctx, req);
  const number = optional(req.msg, AttributeType.ChannelNumber, decodeChannelNumber);
  if (number === undefined || !isValidChannelNumber(number, CHANNEL_RANGE))
    throw new StunErrorReply("BAD_REQUEST", "CHANNEL-NUMBER");
  const peers = peerAddresses(req.msg);
  if (peers.length !== 1) throw new StunErrorReply("BAD_REQUEST", "exactly one XOR-PEER-ADDRESS");
  const peer = peers[0];
  if (peer === undefined) throw new StunErrorReply("BAD_REQUEST", "XOR-PEER-ADDRESS missing");
  checkPeer(ctx, allocation, peer);
  if (!allocation.permissions.canInstall([peer.address])) {
    throw new StunErrorReply("INSUFFICIENT_CAPACITY", "permissions");
  }
  const result = allocation.channels.bind(number, peer);
  if (result === "conflict") throw new StunErrorReply("BAD_REQUEST", "channel or peer already bound");
  if (result === "full") throw new StunErrorReply("INSUFFICIENT_CAPACITY", "channels");
  allocation.permissions.install(peer.address);
  return { attributes: [] };
};
