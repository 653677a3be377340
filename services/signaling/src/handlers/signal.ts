import type { SignalParts } from "../state/signal-json.js";
import type { Handler, HandlerContext } from "./context.js";

/**
 * A validated `signal` request with its `data` as JSON text: the bytes received when the transport's fast
 * path recognized the frame (`scanSignal`), serialized again from the parsed message otherwise.
 */
export interface SignalRequest {
  readonly id: string | undefined;
  readonly roomId: string;
  readonly to: string;
  readonly data: string | Buffer;
}

/**
 * `signal` → relayed to one peer of the same room with a server-stamped `from`; the data is untouched.
 * Synchronous for a peer on this instance, a bus publish otherwise: a request with an `id` is acknowledged once
 * the peer's instance sent a receipt (it wrote the frame to the peer's connection); one without asks for no
 * receipt, does not hold up the connection's next messages (publishes keep their order) and a failed publish is
 * still reported as an `error`.
 */
export function relaySignal(ctx: HandlerContext, req: SignalRequest): Promise<undefined> | undefined {
  const started = ctx.metrics.startRelayTimer();
  ctx.rooms.member(ctx.session, req.roomId);
  const target = ctx.rooms.target(req.roomId, req.to);
  // Written once where it goes: a WebSocket frame for a peer here, the bus batch for a peer elsewhere.
  const frame: SignalParts = { roomId: req.roomId, from: ctx.session.id, data: req.data };
  if (req.id === undefined) {
    // Nothing waits for it per relay: a failed publish reaches `failLater` through the batch it went in.
    const published = ctx.router.relay(target, frame, ctx);
    if (published === undefined) ctx.metrics.observeRelay("local", started);
    else if (!Number.isNaN(started))
      published.then(
        (receivers) => receivers > 0 && ctx.metrics.observeRelay("bus", started),
        () => undefined,
      );
    return undefined;
  }
  const out = ctx.router.toMember(target, frame, true);
  if (out === undefined) {
    ctx.metrics.observeRelay("local", started);
    return undefined;
  }
  // Acknowledged once its receipt came back: the receipt's own promise, unless this relay is timed.
  if (Number.isNaN(started)) return out as Promise<undefined>;
  return out.then(() => {
    ctx.metrics.observeRelay("bus", started);
    return undefined;
  });
}

/** `signal` parsed by the full parser (forms the fast path leaves to it). */
export const handleSignal: Handler<"signal"> = (ctx, msg) =>
  relaySignal(ctx, { id: msg.id, roomId: msg.roomId, to: msg.to, data: JSON.stringify(msg.data) });
