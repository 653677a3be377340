import type { ChatLog } from "./chat/chat-log.js";
import type { SessionSigner } from "./crypto/sdp-signer.js";
import type { ClientEventMap, TypedEmitter } from "./events.js";
import type { ClientOptions } from "./options.js";
import type { Connections } from "./peer/connections.js";
import type { Roster } from "./room/roster.js";
import type { SignalingTransport } from "./signaling/transport.js";
import type { ClientStores } from "./state/client-stores.js";

/** The parts of one client that its modules share (built by the facade, read by everything else). */
export interface ClientContext {
  readonly opts: ClientOptions;
  readonly events: TypedEmitter<ClientEventMap>;
  readonly session: SignalingTransport;
  readonly roster: Roster;
  readonly chatLog: ChatLog;
  readonly connections: Connections;
  readonly stores: ClientStores;
  readonly signer: () => SessionSigner | undefined;
  readonly iceServers: () => RTCIceServer[];
}

/** Store updates from the modules' state (each call republishes one store). */
export const sync = {
  session(ctx: ClientContext): void {
    ctx.stores.session.set({
      state: ctx.session.state,
      sessionId: ctx.session.welcome?.sessionId,
      rooms: ctx.roster.rooms,
      iceServers: ctx.session.welcome?.iceServers ?? [],
      settings: ctx.roster.allSettings(),
    });
  },
  peers(ctx: ClientContext): void {
    ctx.stores.peers.set(ctx.roster.peers());
  },
  connections(ctx: ClientContext): void {
    ctx.stores.connections.set(
      ctx.connections.connectedPeers().flatMap((p) => {
        const i = ctx.connections.info(p);
        return i ? [i] : [];
      }),
    );
  },
  chat(ctx: ClientContext): void {
    ctx.stores.chat.set({ items: [...ctx.chatLog.items], unread: ctx.chatLog.unread });
  },
};
