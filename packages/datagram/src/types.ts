/** What the package offers: a UDP socket with batched I/O where the platform allows it, node:dgram elsewhere. */

export type AddressFamily = 4 | 6;
export type DatagramBackend = "native" | "dgram";

/** The choices a service offers its operator ("auto": native where built, else dgram). */
export const DATAGRAM_BACKEND_CHOICES = ["auto", "native", "dgram"] as const;
export type DatagramBackendChoice = (typeof DATAGRAM_BACKEND_CHOICES)[number];

/**
 * Called for every datagram received. `data` is only valid during the call with the native backend (its
 * memory, and the Buffer object itself, are the next batch's): a handler that keeps the bytes past its return
 * copies them first.
 * `address` is an IP literal; IPv4 senders on a dual-stack socket arrive as plain IPv4 (`192.0.2.1`).
 */
export type DatagramHandler = (data: Buffer, address: string, port: number, family: AddressFamily) => void;

export interface DatagramSocketOptions {
  readonly family: AddressFamily;
  /** An IP literal of `family` ("0.0.0.0" / "::" for all interfaces). */
  readonly address: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** IPv6 only, no IPv4-mapped traffic (family 6); default false, i.e. dual-stack. */
  readonly ipv6Only?: boolean;
  /** SO_REUSEPORT, so sibling processes share the port and the kernel spreads senders over them by address. */
  readonly reusePort?: boolean;
  /** SO_RCVBUF / SO_SNDBUF to ask for; 0 or absent leaves the OS default. */
  readonly recvBufferBytes?: number;
  readonly sendBufferBytes?: number;
  readonly onMessage: DatagramHandler;
  /** A send the kernel refused (full buffer, unreachable address); the datagram is dropped, as UDP allows. */
  readonly onSendError?: () => void;
  /**
   * `onMessage` threw: that datagram is lost, the others of its batch are still delivered and the process goes
   * on. Log and count here; without a hook the first error of the socket becomes a process warning. An error
   * thrown by this hook is swallowed.
   */
  readonly onHandlerError?: (err: unknown) => void;
  /** "auto" (the default) takes the native backend when it is built for this platform. */
  readonly backend?: DatagramBackendChoice;
}

export interface DatagramSocket {
  readonly backend: DatagramBackend;
  readonly family: AddressFamily;
  /** The bound address and port. */
  readonly address: string;
  readonly port: number;
  /** Datagrams lost because `onMessage` threw (see `onHandlerError`). */
  readonly handlerErrors: number;
  /**
   * Queues one datagram to an IP literal. The bytes are copied (or handed to the kernel) before this returns;
   * queued datagrams leave together once the current batch of work is done.
   */
  send(data: Uint8Array, port: number, address: string): void;
  /** Stops receiving at once; nothing sent after this leaves. Idempotent. */
  close(): void;
  /** Lets the process exit while this socket is open. */
  unref(): void;
  /**
   * Native backend only: offers every datagram to a C handler of another addon first (an external wrapping an
   * `sb_datagram_handler_t*`, see src/native/datagram-handler.h); what it does not answer reaches `onMessage` as
   * before. `undefined` detaches. → false when this socket cannot (node:dgram backend, or closed).
   */
  attachNativeHandler(handler: object | undefined): boolean;
}
