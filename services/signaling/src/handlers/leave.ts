import type { Handler } from "./context.js";

/** `leave` → ack; the others get `peer.left`. */
export const handleLeave: Handler<"leave"> = async (ctx, msg) => {
  await ctx.rooms.leave(ctx.session, msg.roomId, "left");
  return undefined;
};
