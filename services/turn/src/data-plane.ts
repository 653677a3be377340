/**
 * The relay hot path (RFC 8656 §10-12): ChannelData and Send indications from the client out through the relay
 * socket, and datagrams from peers back as ChannelData (bound channel) or Data indications. Nothing is relayed
 * without a live permission; refused traffic is counted and dropped, never answered.
 */
import {
  AttributeType,
  StunClass,
  StunMethod,
  encodeStunMessage,
  getAttribute,
  newTransactionId,
  xorAddressAttribute,
  type StunMessage,
} from "@switchboard/stun-codec";
import type { DropReason, TurnMetrics } from "./metrics.js";
import type { PeerPolicy } from "./policy/peer-address.js";
import type { Allocation } from "./state/allocation.js";
import type { AllocationManager } from "./state/allocation-manager.js";
import { readChannelData, writeChannelData } from "./channel-frame.js";
import { addressKey, type ClientLink, type TransportAddress } from "./state/types.js";
import { fromWire, toWire } from "./handlers/attributes.js";
import { decodeXorAddress, StunDecodeError } from "@switchboard/stun-codec";

/** The largest peer datagram that still fits a Data indication (65535-byte STUN body limit). */
export const MAX_RELAYED = 0xffff - 64;

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
  fromClientChannel(link: ClientLink, bytes: Buffer): void {
    const allocation = this.#allocations.get(link.key);
    if (allocation === undefined) return this.#drop("no_allocation");
    const frame = readChannelData(bytes);
    if (frame === undefined) return this.#drop("malformed");
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
    if (allocation.bandwidth !== undefined && !allocation.bandwidth.take(data.length))
      return this.#drop("quota");
    relay.socket.send(data, peer.port, peer.address);
    const m = this.#metrics.relay;
    m.c2pPackets++;
    m.c2pBytes += data.length;
  }

  /** A datagram that arrived on one of the allocation's relay sockets (RFC 8656 §11.3, §12.6). */
  fromPeer(allocation: Allocation, data: Buffer, from: TransportAddress): void {
    if (!allocation.permissions.has(from.address)) return this.#drop("no_permission");
    if (allocation.bandwidth !== undefined && !allocation.bandwidth.take(data.length))
      return this.#drop("quota");
    const link = allocation.client;
    if (data.length > MAX_RELAYED) return this.#drop("malformed");
    const binding = allocation.channels.byPeer(addressKey(from));
    if (binding !== undefined) {
      link.send([writeChannelData(binding.number, data, link.stream)]);
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
