import { SignalingError } from "../errors.js";
import type { Handler } from "./context.js";

/** `ping` → `pong`. */
export const handlePing: Handler<"ping"> = (ctx, msg) => ({
  v: 1,
  type: "pong",
  ts: ctx.clock.now(),
  ...(msg.id === undefined ? {} : { id: msg.id }),
});

/** `bye` → ack, then the session ends (rooms left at once, no resume). */
export const handleBye: Handler<"bye"> = (ctx) => {
  ctx.endSession();
  return undefined;
};

/** A second `hello` on a connection. */
export const handleRepeatedHello: Handler<"hello"> = () => {
  throw new SignalingError("hello_required", "hello was already received on this connection");
};
