/** The relay side of an allocation, injected into the allocation manager so state is testable without sockets. */
import type { AddressFamily, TransportAddress } from "./types.js";

export interface RelaySocket {
  readonly family: AddressFamily;
  /** The bound port. */
  readonly port: number;
  /** Sends one datagram to a peer (the caller has checked permissions and policy). */
  send(data: Uint8Array, port: number, address: string): void;
  close(): void;
}

export type PeerDataHandler = (data: Buffer, from: TransportAddress) => void;

export interface RelaySocketRequest {
  readonly family: AddressFamily;
  readonly bindAddress: string;
  readonly port: number;
  readonly onData: PeerDataHandler;
}

/** Binds a relay socket; rejects with an error whose `code` is `EADDRINUSE` when the port is taken. */
export type RelaySocketFactory = (req: RelaySocketRequest) => Promise<RelaySocket>;
