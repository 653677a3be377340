import type { Handler } from "./context.js";

/**
 * `signal` → relayed to one peer of the same room with a server-stamped `from`; the data is untouched.
 * Synchronous for a peer on this instance, a bus publish otherwise.
 */
export const handleSignal: Handler<"signal"> = (ctx, msg) => {
  const started = performance.now();
  ctx.rooms.member(ctx.session, msg.roomId);
  ctx.rooms.target(msg.roomId, msg.to);
  const out = ctx.router.toPeer(msg.roomId, msg.to, {
    v: 1,
    type: "signal",
    roomId: msg.roomId,
    from: ctx.session.id,
    data: msg.data,
  });
  if (out === undefined) {
    ctx.metrics.observeRelay("local", (performance.now() - started) / 1000);
    return undefined;
  }
  return out.then(() => {
    ctx.metrics.observeRelay("bus", (performance.now() - started) / 1000);
    return undefined;
  });
};
