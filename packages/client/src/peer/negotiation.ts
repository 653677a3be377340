/**
 * Perfect negotiation (W3C webrtc-pc example), as pure decisions. Roles are deterministic: the peer with the
 * lexicographically larger session id is polite (it yields on a collision), the other impolite.
 */
export function isPolite(selfId: string, remoteId: string): boolean {
  return selfId > remoteId;
}

export interface OfferContext {
  readonly polite: boolean;
  readonly makingOffer: boolean;
  readonly signalingState: string;
  readonly settingRemoteAnswer: boolean;
}

/** `accept` the remote offer, `ignore` it (impolite side of a collision) or `rollback` then accept (polite). */
export function decideOnOffer(c: OfferContext): "accept" | "ignore" | "rollback" {
  const ready = !c.makingOffer && (c.signalingState === "stable" || c.settingRemoteAnswer);
  if (ready) return "accept";
  return c.polite ? "rollback" : "ignore";
}

/** The DTLS fingerprint line of an SDP (a new one means a new peer connection on the other side). */
export function sdpFingerprint(sdp: string): string | undefined {
  return /^a=fingerprint:(.+)$/im.exec(sdp)?.[1]?.trim().toLowerCase();
}

/** The next rung of the recovery ladder after `attempt` failed recoveries. */
export type RecoveryStep = "restart-ice" | "recreate" | "recreate-relay" | "give-up";

export function nextRecovery(
  attempt: number,
  opts: { readonly canRestartIce: boolean; readonly relayOnly: boolean; readonly hasRelay: boolean },
): RecoveryStep {
  if (attempt === 0) return opts.canRestartIce ? "restart-ice" : "recreate";
  if (attempt === 1) return "recreate";
  if (attempt === 2 && !opts.relayOnly && opts.hasRelay) return "recreate-relay";
  return "give-up";
}
