import type { Handler } from "./context.js";

/** `chat` → ack; everyone in the room (sender included) gets the stamped entry. */
export const handleChat: Handler<"chat"> = async (ctx, msg) => {
  await ctx.rooms.chat(ctx.session, msg.roomId, msg.text);
  return undefined;
};
