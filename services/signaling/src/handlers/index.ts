import type { ClientMessageType } from "@switchboard/protocol";
import type { Handler } from "./context.js";
import { handleChat } from "./chat.js";
import {
  handleAdmit,
  handleDeny,
  handleEnd,
  handleKick,
  handleLock,
  handleMuteRequest,
} from "./host-controls.js";
import { handleJoin } from "./join.js";
import { handleLeave } from "./leave.js";
import { handleReport } from "./report.js";
import { handleBye, handlePing, handleRepeatedHello } from "./session.js";
import { handleSignal } from "./signal.js";
import { handleUpdate } from "./update.js";

/** The dispatch table: one handler per client message type (`hello` is handled by the connection first). */
export const HANDLERS: { readonly [K in ClientMessageType]: Handler<K> } = {
  hello: handleRepeatedHello,
  ping: handlePing,
  bye: handleBye,
  join: handleJoin,
  leave: handleLeave,
  update: handleUpdate,
  signal: handleSignal,
  chat: handleChat,
  "lobby.admit": handleAdmit,
  "lobby.deny": handleDeny,
  kick: handleKick,
  "mute.request": handleMuteRequest,
  "room.lock": handleLock,
  "room.end": handleEnd,
  report: handleReport,
};

export type { Handler, HandlerContext, MessageOf } from "./context.js";
export { relaySignal, type SignalRequest } from "./signal.js";
