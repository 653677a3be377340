import type { Handler } from "./context.js";

/** `join` → `joined` or `lobby.waiting`. */
export const handleJoin: Handler<"join"> = async (ctx, msg) => {
  const reply = await ctx.rooms.join(ctx.session, {
    roomId: msg.roomId,
    name: msg.name,
    state: msg.state,
    hostKey: msg.hostKey,
    offer: msg.offer,
  });
  return msg.id === undefined ? reply : { ...reply, id: msg.id };
};
