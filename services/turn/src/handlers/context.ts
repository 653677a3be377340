/** What handlers get: the state they act on and the request, never a socket. */
import type { Clock, Logger } from "@switchboard/runtime";
import type { StunAttribute, StunMessage } from "@switchboard/stun-codec";
import type { TurnMetrics } from "../metrics.js";
import type { PeerPolicy } from "../policy/peer-address.js";
import type { AllocationManager } from "../state/allocation-manager.js";
import type { ClientLink } from "../state/types.js";

export interface HandlerContext {
  readonly clock: Clock;
  readonly allocations: AllocationManager;
  readonly policy: PeerPolicy;
  readonly metrics: TurnMetrics;
  readonly logger: Logger;
  readonly lifetimes: { readonly defaultSeconds: number; readonly maxSeconds: number };
}

/** The authenticated identity of a request (long-term credentials). */
export interface Identity {
  readonly username: string;
  readonly quotaKey: string;
  /** Allocations allowed under `quotaKey` when not TURN_USER_QUOTA (REST usernames without a user part). */
  readonly quotaLimit?: number;
  readonly key: Uint8Array;
}

export interface TurnRequest {
  readonly link: ClientLink;
  readonly msg: StunMessage;
  /** Set for every method but Binding. */
  readonly identity: Identity | undefined;
}

/** A success response's attributes; `remember` receives the encoded response (Allocate keeps it for retransmits). */
export interface SuccessReply {
  readonly attributes: readonly StunAttribute[];
  readonly remember?: (encoded: Uint8Array) => void;
}

/** A response already encoded (the success of a retransmitted Allocate). */
export interface RawReply {
  readonly raw: Uint8Array;
}

/** No answer at all (a retransmission of an Allocate whose sockets are still being bound). */
export interface NoReply {
  readonly drop: true;
}

export type HandlerResult = SuccessReply | RawReply | NoReply;

/** A request handler: answers or throws StunErrorReply; never writes to a socket. */
export type RequestHandler = (
  ctx: HandlerContext,
  req: TurnRequest,
) => HandlerResult | Promise<HandlerResult>;
