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

/**
 * How the polite side resolves a collision it decided to `rollback` on: `fresh` (a new peer connection: the first
 * attempt, or a stack that cannot renegotiate), `keep` (our offer is still being created, the state is `stable`:
 * nothing to roll back — rolling back in `stable` throws, and a new connection would answer a renegotiation with
 * another DTLS fingerprint, which breaks the live link) or `rollback` (our offer is set: roll it back).
 */
export function collisionResolution(c: {
  readonly connectedOnce: boolean;
  readonly canRenegotiate: boolean;
  readonly signalingState: string;
}): "fresh" | "keep" | "rollback" {
  if (!c.connectedOnce || !c.canRenegotiate) return "fresh";
  return c.signalingState === "stable" ? "keep" : "rollback";
}

/** The DTLS fingerprint line of an SDP (a new one means a new peer connection on the other side). */
export function sdpFingerprint(sdp: string): string | undefined {
  return /^a=fingerprint:(.+)$/im.exec(sdp)?.[1]?.trim().toLowerCase();
}

/**
 * A first answer that takes the DTLS server role (`a=setup:passive`, RFC 5763: the answerer may pick either): the
 * offerer, which is ICE-controlling and so usually sees ICE connected first, then sends the ClientHello at once
 * instead of waiting for the answerer's ICE to catch up.
 */
export function passiveAnswer(sdp: string): string {
  return sdp.replace(/^a=setup:active(?=\r?$)/gm, "a=setup:passive");
}

/**
 * The remote side of this answer is the DTLS client (`a=setup:active`): it sends the ClientHello as soon as its own
 * ICE is connected, which may be before ours.
 */
export function answerIsDtlsClient(sdp: string): boolean {
  return /^a=setup:active\r?$/m.test(sdp);
}

/** An ICE connection state in which checking is over (connected, or never will be). */
export function iceSettled(state: string): boolean {
  return state !== "new" && state !== "checking";
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
