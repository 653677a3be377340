import type { RequestResult, Transport } from "./metrics.js";
import type { Endpoint, Role } from "./nat-behavior.js";

/** One message as a transport received it. */
export interface Inbound {
  readonly data: Uint8Array;
  readonly transport: Transport;
  /** The sender, IPv4-mapped IPv6 addresses already turned into IPv4. */
  readonly source: Endpoint;
  /** Which of the server's listeners received it (RFC 5780 role). */
  readonly role: Role;
}

/** What the transport must do with an inbound message: count it, and maybe send a reply. */
export interface Outcome {
  readonly result: RequestResult;
  readonly reply?: {
    readonly bytes: Uint8Array;
    /** The listener the reply leaves from (UDP only; over TCP it is always the connection). */
    readonly role: Role;
    /** The port the reply goes to at the source's address (RESPONSE-PORT; UDP only). */
    readonly port: number;
  };
}

/** The dispatch function that transports call for every message; it never throws. */
export type HandleInbound = (inbound: Inbound) => Outcome;

/** `::ffff:192.0.2.1` (an IPv4 peer on a dual-stack socket) → `192.0.2.1`. */
export function unmapAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
