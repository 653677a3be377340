import { hasTurn } from "./ice-servers.js";

/**
 * Direct first, as pure decisions: with TURN offered, a link's first attempt gets the STUN servers only (ICE can
 * only hole punch); the impolite side replaces it by a connection with TURN when its data channel is not open
 * after `directFirstMs` or its ICE fails sooner; the polite side follows on that offer. `PeerLink` does the I/O.
 */
export interface DirectFirstState {
  /** The link is still in its first, direct-only attempt (glare re-creations included). */
  readonly phase: boolean;
  readonly polite: boolean;
  readonly channelOpen: boolean;
}

/** Whether a connection made now is a direct-only one. */
export function directOnly(
  s: Pick<DirectFirstState, "phase">,
  o: {
    readonly directFirstMs: number;
    readonly relayOnly: boolean;
    readonly servers: readonly RTCIceServer[];
  },
): boolean {
  return s.phase && o.directFirstMs > 0 && !o.relayOnly && hasTurn(o.servers);
}

/**
 * What the link does on an event of its direct-only attempt: `leave` (a new connection with TURN, offered by this
 * side), `wait` (the polite side: the impolite one leaves and offers), or `none`.
 */
export function onDirectEvent(
  s: DirectFirstState,
  event: "deadline" | "ice-failed",
): "leave" | "wait" | "none" {
  if (!s.phase || s.channelOpen) return "none";
  if (s.polite) return event === "ice-failed" ? "wait" : "none";
  return "leave";
}
