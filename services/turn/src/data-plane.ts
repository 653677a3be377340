/**
 * The relay hot path (RFC 8656 §10-12): ChannelData and Send indications from the client out through the relay
 * socket, and datagrams from peers back as ChannelData (bound channel) or Data indications. Nothing is relayed
 * without a live permission; refused traffic is counted and dropped, never answered.
 */
import {
  AttributeType,
  CHANNEL_DATA_HEADER_LENGTH,
  StunClass,
  StunDecodeError,
  StunMethod,
  decodeChannelData,
  decodeXorAddress,
  encodeStunMessage,
  getAttribute,
  newTransactionId,
  xorAddressAttribute,
  type ChannelData,
  type StunMessage,
} from "@switchboard/stun-codec";
import { CHANNEL_RANGE } from "./channel-range.js";
import type { DropReason, TurnMetrics } from "./metrics.js";
import type { PeerPolicy } from "./policy/peer-address.js";
import type { Allocation } from "./state/allocation.js";
import type { AllocationManager } from "./state/allocation-manager.js";
import { addressKey, type ClientLink, type TransportAddress } from "./state/types.js";
import { fromWire, toWire } from "./handlers/attributes.js";

/** The largest peer datagram that still fits a Data indication (65535-byte STUN body limit). */
export const MAX_RELAYED = 0xffff - 64;

/**
 * A ChannelData frame for the client (RFC 8656 §12.4; padded to 4 bytes on streams, §12.5): the same bytes as
 * the codec's `encodeChannelData(channel, data, {padded, legacyChannelRange: true})`, written here on purpose.
 * The codec returns a plain Uint8Array view over a pooled Buffer — two objects per packet (measured ~96 more
 * heap bytes per relayed packet) and, on TCP, net's Writable wraps a non-Buffer Uint8Array in a third — while
 * this is one pooled Buffer, as the relay allocated before. `channel` was range-checked at ChannelBind and
 * `data` is at most MAX_RELAYED bytes, so nothing is checked again per packet.
 */
export function encodeRelayChannelData(channel: number, data: Uint8Array, padded: boolean): Buffer {
  const length = data.length;
  const out = Buffer.allocUnsafe(CHANNEL_DATA_HEADER_LENGTH + (padded ? (length + 3) & ~3 : length));
  out[0] = channel >> 8;
  out[1] = channel & 0xff;
  out[2] = length >> 8;
  out[3] = length & 0xff;
  out.set(data, CHANNEL_DATA_HEADER_LENGTH);
  if (padded) out.fill(0, CHANNEL_DATA_HEADER_LENGTH + length);
  return out;
}

export interface DataPlaneOptions {
  readonly allocations: AllocationManager;
  readonly policy: PeerPolicy;
  readonly metrics: TurnMetrics;
}

export class DataPlane {
  readonly #allocations: AllocationManager;
  readonly #policy: PeerPolicy;
  readonly #metrics: TurnMetrics;

  constructor(opts: DataPlaneOptions) {
    this.#allocations = opts.allocations;
    this.#policy = opts.policy;
    this.#metrics = opts.metrics;
  }

  #drop(reason: DropReason): void {
    this.#metrics.dropped.inc({ reason });
  }

  /** A ChannelData message from the client (RFC 8656 §12.5). */
  fromClientChannel(link: ClientLink, bytes: Uint8Array): void {
    const allocation = this.#allocations.get(link.key);
    if (allocation === undefined) return this.#drop("no_allocation");
    let frame: ChannelData;
    try {
      frame = decodeChannelData(bytes, CHANNEL_RANGE); // a view of the payload, no copy
    } catch (err) {
      if (err instanceof StunDecodeError) return this.#drop("malformed");
      throw err;
    }
    const binding = allocation.channels.byNumber(frame.channel);
    if (binding === undefined) return this.#drop("no_channel");
    this.#toPeer(allocation, binding.peer, frame.data);
  }

  /** A Send indication from the client (RFC 8656 §10.2). */
  fromClientSend(link: ClientLink, msg: StunMessage): void {
    const allocation = this.#allocations.get(link.key);
    if (allocation === undefined) return this.#drop("no_allocation");
    const peerAttr = getAttribute(msg, AttributeType.XorPeerAddress);
    const dataAttr = getAttribute(msg, AttributeType.Data);
    if (peerAttr === undefined || dataAttr === undefined) return this.#drop("malformed");
    let peer: TransportAddress;
    try {
      peer = fromWire(decodeXorAddress(peerAttr.value, msg.transactionId, peerAttr.type));
    } catch (err) {
      if (err instanceof StunDecodeError) return this.#drop("malformed");
      throw err;
    }
    if (!this.#policy.isAllowed(peer.address)) return this.#drop("policy");
    this.#toPeer(allocation, peer, dataAttr.value);
  }

  #toPeer(allocation: Allocation, peer: TransportAddress, data: Uint8Array): void {
    const relay = allocation.relays.get(peer.family);
    if (relay === undefined || peer.port === 0) return this.#drop("malformed");
    if (!allocation.permissions.has(peer.address)) return this.#drop("no_permission");
    if (allocation.bandwidth !== undefined) {
      const refused = allocation.bandwidth.admit(data.length);
      if (refused !== undefined) return this.#drop(refused === "capacity" ? "capacity" : "quota");
    }
    relay.socket.send(data, peer.port, peer.address);
    const m = this.#metrics.relay;
    m.c2pPackets++;
    m.c2pBytes += data.length;
  }

  /** A datagram that arrived on one of the allocation's relay sockets (RFC 8656 §11.3, §12.6). */
  fromPeer(allocation: Allocation, data: Buffer, from: TransportAddress): void {
    if (!allocation.permissions.has(from.address)) return this.#drop("no_permission");
    if (allocation.bandwidth !== undefined) {
      const refused = allocation.bandwidth.admit(data.length);
      if (refused !== undefined) return this.#drop(refused === "capacity" ? "capacity" : "quota");
    }
    const link = allocation.client;
    if (data.length > MAX_RELAYED) return this.#drop("malformed");
    const binding = allocation.channels.byPeer(addressKey(from));
    if (binding !== undefined) {
      link.send([encodeRelayChannelData(binding.number, data, link.stream)]);
    } else {
      const tid = newTransactionId();
      const indication = encodeStunMessage({
        method: StunMethod.Data,
        cls: StunClass.Indication,
        transactionId: tid,
        attributes: [
          xorAddressAttribute(AttributeType.XorPeerAddress, toWire(from), tid),
          { type: AttributeType.Data, value: data },
        ],
      });
      link.send([indication]);
    }
    const m = this.#metrics.relay;
    m.p2cPackets++;
    m.p2cBytes += data.length;
  }
}
