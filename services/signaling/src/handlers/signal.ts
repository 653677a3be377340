import type { Handler } from "./context.js";

/** `signal` → relayed to one peer of the same room with a server-stamped `from`; the data is untouched. */
export const handleSignal: Handler<"signal"> = async (ctx, msg) => {
  const started = performance.now();
  ctx.rooms.member(ctx.session, msg.roomId);
  const target = ctx.rooms.target(msg.roomId, msg.to);
  await ctx.router.toPeer(msg.roomId, msg.to, {
    v: 1,
    type: "signal",
    roomId: msg.roomId,
    from: ctx.session.id,
    data: msg.data,
  });
  const path = target.instanceId === ctx.router.instanceId ? "local" : "bus";
  ctx.metrics.relayLatency.observe({ path }, (performance.now() - started) / 1000);
  return undefined;
};
