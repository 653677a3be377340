import type { ServerMessage } from "@switchboard/protocol";
import type { ChatService } from "../chat/chat-service.js";
import { sync, type ClientContext } from "../context.js";
import { SwitchboardError } from "../errors.js";
import type { Meetings } from "./meetings.js";

/** Applies one server message to the client's state and turns it into the events users see. */
export function handleServerMessage(
  ctx: ClientContext,
  meetings: Meetings,
  chat: ChatService,
  m: ServerMessage,
): void {
  const ev = ctx.events;
  switch (m.type) {
    case "joined":
      ctx.roster.setRoom(m.roomId, m.peers);
      ctx.roster.setSettings(m.roomId, m.settings);
      chat.addHistory(m.chat, m.self.peerId);
      sync.peers(ctx);
      sync.session(ctx);
      ev.emit("joined", { roomId: m.roomId, self: m.self, peers: m.peers, settings: m.settings });
      for (const p of m.peers) ev.emit("peerDiscovered", { ...p, roomId: m.roomId });
      // The offer `join` carried went to `offeredTo`: that link exists before the others are offered to.
      ctx.connections.settleCarried(m.roomId, m.offeredTo);
      meetings.connectListed(m.roomId, m.peers, m.offeredTo);
      return;
    case "peer.joined": {
      const fresh = ctx.roster.upsert(m.roomId, m.peer);
      // The newcomer's join-carried offer, inside its `peer.joined` (FEATURE_PEER_JOINED_OFFER): answered first.
      if (m.offer !== undefined) ctx.connections.handleSignal(m.peer.peerId, m.roomId, m.offer, true);
      // Else its offer is on its way (maybe right behind, carried by its join): an answerer gathers now.
      else if (fresh) ctx.connections.peerJoined(m.peer.peerId, m.roomId);
      if (fresh) {
        sync.peers(ctx);
        ev.emit("peerDiscovered", { ...m.peer, roomId: m.roomId });
      }
      // Signaling: the newcomer connects to those already there. Discovery transports pick one side per pair.
      if (ctx.opts.autoConnect !== false && ctx.session.initiatesTo?.(m.peer.peerId) === true)
        meetings.connectNow(m.roomId, m.peer.peerId);
      return;
    }
    case "peer.updated":
      ctx.roster.upsert(m.roomId, m.peer);
      sync.peers(ctx);
      ev.emit("peerUpdated", { ...m.peer, roomId: m.roomId });
      return;
    case "peer.left":
      ctx.roster.remove(m.roomId, m.peerId);
      ctx.connections.close(m.peerId, m.reason);
      sync.peers(ctx);
      ev.emit("peerLeft", { peerId: m.peerId, roomId: m.roomId, reason: m.reason });
      return;
    case "signal":
      ctx.connections.handleSignal(m.from, m.roomId, m.data);
      return;
    case "chat":
      chat.addEntry(m.entry);
      return;
    case "lobby.waiting":
      ev.emit("lobbyWaiting", { roomId: m.roomId });
      return;
    case "lobby.request":
      ev.emit("lobbyRequest", { roomId: m.roomId, peer: m.peer });
      return;
    case "lobby.denied":
      ev.emit("lobbyDenied", { roomId: m.roomId });
      return;
    case "kicked":
      meetings.left(m.roomId, "kicked");
      ev.emit("kicked", { roomId: m.roomId, by: m.by });
      return;
    case "mute.requested":
      ev.emit("muteRequested", { roomId: m.roomId, by: m.by, kind: m.kind });
      return;
    case "room.updated":
      ctx.roster.setSettings(m.roomId, m.settings);
      sync.session(ctx);
      ev.emit("roomUpdated", { roomId: m.roomId, settings: m.settings });
      return;
    case "room.ended":
      meetings.left(m.roomId, "ended");
      ev.emit("roomEnded", { roomId: m.roomId });
      return;
    case "error":
      // Signals go without an id; `unknown_peer` answers one that raced its target's leaving (candidates or an
      // ICE restart sent before `peer.left` arrived): expected, and the link is closed by `peer.left`.
      if (m.id === undefined && m.code !== "unknown_peer")
        ev.emit("error", new SwitchboardError(m.code, m.message));
      return;
    default:
      return;
  }
}
