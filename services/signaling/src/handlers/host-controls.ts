import type { Handler } from "./context.js";

/** Host: `lobby.admit`. */
export const handleAdmit: Handler<"lobby.admit"> = async (ctx, msg) => {
  await ctx.rooms.admit(ctx.session, msg.roomId, msg.peerId);
  return undefined;
};

/** Host: `lobby.deny`. */
export const handleDeny: Handler<"lobby.deny"> = async (ctx, msg) => {
  await ctx.rooms.deny(ctx.session, msg.roomId, msg.peerId);
  return undefined;
};

/** Host: `kick`. */
export const handleKick: Handler<"kick"> = async (ctx, msg) => {
  await ctx.rooms.kick(ctx.session, msg.roomId, msg.peerId);
  return undefined;
};

/** Host: `mute.request`. */
export const handleMuteRequest: Handler<"mute.request"> = async (ctx, msg) => {
  await ctx.rooms.requestMute(ctx.session, msg.roomId, msg.peerId, msg.kind);
  return undefined;
};

/** Host: `room.lock`. */
export const handleLock: Handler<"room.lock"> = async (ctx, msg) => {
  ctx.rooms.host(ctx.session, msg.roomId);
  await ctx.rooms.updateSettings(msg.roomId, { locked: msg.locked });
  return undefined;
};

/** Host: `room.end`. */
export const handleEnd: Handler<"room.end"> = async (ctx, msg) => {
  ctx.rooms.host(ctx.session, msg.roomId);
  await ctx.rooms.end(msg.roomId);
  return undefined;
};
