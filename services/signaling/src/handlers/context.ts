import type { ClientMessage, ClientMessageType, ServerMessage } from "@switchboard/protocol";
import type { Clock } from "@switchboard/runtime";
import type { Rooms } from "../core/rooms.js";
import type { Router } from "../core/router.js";
import type { SignalingMetrics } from "../metrics.js";
import type { Session } from "../state/session-registry.js";

/** What a handler may use: the session it acts for and the room logic; never a socket. */
export interface HandlerContext {
  readonly session: Session;
  readonly rooms: Rooms;
  readonly router: Router;
  readonly metrics: SignalingMetrics;
  readonly clock: Clock;
  /** Ends the session after the reply (bye). */
  readonly endSession: () => void;
  /** Reports a failure found after the handler returned (a bus publish that did not go out). */
  readonly failLater: (err: unknown, type: ClientMessageType, requestId: string | undefined) => void;
}

export type MessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>;

/** Handles one message type; returns the direct reply (undefined: an `ack` if the request had an id). */
export type Handler<T extends ClientMessageType> = (
  ctx: HandlerContext,
  msg: MessageOf<T>,
) => Promise<ServerMessage | undefined> | ServerMessage | undefined;
