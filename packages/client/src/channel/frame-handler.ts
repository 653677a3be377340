import type { ChatService } from "../chat/chat-service.js";
import { sync, type ClientContext } from "../context.js";
import type { SdkFrame } from "./sdk-frame.js";

/** One frame from a peer's SDK channel: application data, a chat message, or the peer's new session id. */
export function handleFrame(ctx: ClientContext, chat: ChatService, peerId: string, frame: SdkFrame): void {
  switch (frame.t) {
    case "data":
      ctx.events.emit("message", { peerId, data: frame.data });
      return;
    case "id":
      ctx.connections.rename(peerId, frame.sessionId);
      ctx.roster.rename(peerId, frame.sessionId);
      ctx.signer()?.pins.rename(peerId, frame.sessionId);
      sync.peers(ctx);
      sync.connections(ctx);
      ctx.events.emit("peerRenamed", { from: peerId, to: frame.sessionId });
      return;
    case "chat":
      chat.addFrame(peerId, frame);
      return;
  }
}
