/** Plain shapes shared by the state, handlers and transports. */

export type AddressFamily = 4 | 6;

export interface TransportAddress {
  readonly address: string;
  readonly port: number;
  readonly family: AddressFamily;
}

export type ClientTransport = "udp" | "tcp" | "tls";

/** The client side of a 5-tuple: how replies, Data indications and ChannelData reach the client. */
export interface ClientLink {
  readonly transport: ClientTransport;
  readonly remote: TransportAddress;
  readonly local: TransportAddress;
  /** `transport/remote/local`, the allocation's 5-tuple key (also binds nonces). */
  readonly key: string;
  /** Stream transports pad ChannelData to 4 bytes (RFC 8656 §12.5). */
  readonly stream: boolean;
  /** Sends one STUN message or ChannelData frame (several chunks are written back to back, no copy). */
  send(chunks: readonly Uint8Array[]): void;
  /** A request on this link carried valid credentials (stream links stop their first-request deadline). */
  authenticated?(): void;
}

export const addressKey = (a: { address: string; port: number }): string => `${a.address}:${a.port}`;

export function fiveTupleKey(
  transport: ClientTransport,
  remote: TransportAddress,
  local: TransportAddress,
): string {
  return `${transport}/${addressKey(remote)}/${addressKey(local)}`;
}
