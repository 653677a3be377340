import type { Handler } from "./context.js";

/** `report` → ack; counted in the connection analytics metrics (no peer, room or address labels). */
export const handleReport: Handler<"report"> = (ctx, msg) => {
  ctx.metrics.observeConnectionReport(msg.outcome, msg.method, msg.setupMs / 1000, msg.iceRestart === true);
  return undefined;
};
