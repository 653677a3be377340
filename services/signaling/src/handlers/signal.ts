import type { Handler } from "./context.js";

/**
 * `signal` → relayed to one peer of the same room with a server-stamped `from`; the data is untouched.
 * Synchronous for a peer on this instance, a bus publish otherwise: a request with an `id` is acknowledged once
 * the publish went out; one without does not hold up the connection's next messages (publishes keep their order)
 * and a failed publish is still reported as an `error`.
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
  const timed = out.then(() => {
    ctx.metrics.observeRelay("bus", (performance.now() - started) / 1000);
    return undefined;
  });
  if (msg.id !== undefined) return timed;
  timed.catch((err: unknown) => ctx.failLater(err, "signal", undefined));
  return undefined;
};
