/**
 * One allocation (RFC 8656 §2.2): the client's 5-tuple, its relay socket(s) (one per address family; two for a
 * dual allocation), permissions, channel bindings, lifetime, and its handle on the relay bandwidth limiter.
 */
import type { RelayFlow } from "./fair-share.js";
import type { Channels } from "./channels.js";
import type { Permissions } from "./permissions.js";
import type { RelaySocket } from "./relay-socket.js";
import type { AddressFamily, ClientLink, TransportAddress } from "./types.js";

export interface Relay {
  readonly socket: RelaySocket;
  /** The address told to the client (TURN_EXTERNAL_HOST or the bind address) with the bound port. */
  readonly advertised: TransportAddress;
}

export interface Allocation {
  readonly key: string;
  readonly client: ClientLink;
  readonly username: string;
  readonly quotaKey: string;
  /** The long-term key that authenticated the Allocate: later requests must use the same credentials (441). */
  readonly integrityKey: Uint8Array;
  readonly relays: ReadonlyMap<AddressFamily, Relay>;
  readonly permissions: Permissions;
  readonly channels: Channels;
  /** Its share of the relay capacity and its caps; undefined when relayed traffic is not limited. */
  readonly bandwidth: RelayFlow | undefined;
  expiresAt: number;
  /** The Allocate transaction and its encoded success, re-sent for a retransmission (RFC 8656 §7.2). */
  readonly allocateTransactionId: string;
  allocateResponse: Uint8Array | undefined;
}
