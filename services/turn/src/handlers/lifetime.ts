/** Lifetimes of Allocate and Refresh (RFC 8656 §7.2, §7.3). */
import { AttributeType, decodeLifetime, type StunMessage } from "@switchboard/stun-codec";
import { optional } from "./attributes.js";
import type { HandlerContext } from "./context.js";

/** The LIFETIME a request asks for, in seconds (undefined when absent). */
export const requestedLifetime = (msg: StunMessage): number | undefined =>
  optional(msg, AttributeType.Lifetime, decodeLifetime);

/** Allocate: the request clamped to the maximum, and never below the default. */
export function allocateLifetime(ctx: HandlerContext, requested: number | undefined): number {
  const { defaultSeconds, maxSeconds } = ctx.lifetimes;
  return Math.max(defaultSeconds, Math.min(requested ?? defaultSeconds, maxSeconds));
}

/**
 * Refresh: 0 deletes; otherwise as for Allocate (RFC 8656 §7.3): the request clamped to the maximum and never
 * below the default, so LIFETIME 1 cannot end an allocation a second later.
 */
export function refreshLifetime(ctx: HandlerContext, requested: number | undefined): number {
  return requested === 0 ? 0 : allocateLifetime(ctx, requested);
}
