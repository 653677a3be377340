import type { Handler } from "./context.js";

/** `update` → ack; the others get `peer.updated`. */
export const handleUpdate: Handler<"update"> = async (ctx, msg) => {
  await ctx.rooms.update(ctx.session, msg.roomId, {
    ...(msg.state ? { state: msg.state } : {}),
    ...(msg.name ? { name: msg.name } : {}),
  });
  return undefined;
};
