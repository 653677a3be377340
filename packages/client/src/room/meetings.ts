import type { PeerInfo, ServerMessageOf } from "@switchboard/protocol";
import { sync, type ClientContext } from "../context.js";
import { SwitchboardError, toSwitchboardError } from "../errors.js";
import type { Welcome } from "../signaling/session.js";

/** How long a rejoined client waits for connected peers to announce their new ids, ms. */
export const RENAME_GRACE_MS = 2000;

/** Joining and leaving meetings, and joining them again under a new session after an outage. */
export class Meetings {
  readonly #ctx: ClientContext;

  constructor(ctx: ClientContext) {
    this.#ctx = ctx;
  }

  /**
   * Joins by code; resolves with `joined` (after the lobby, if a host must admit). Rejects with `lobby_denied`
   * when the host turns the request down, `meeting_ended` when the meeting ends while waiting.
   */
  async join(roomId: string, carryOffer = true): Promise<ServerMessageOf<"joined">> {
    const ctx = this.#ctx;
    // A prepared offer rides on `join` (signaling only: a discovery transport picks one side per pair), so the
    // peer the server hands it to answers without waiting for `joined` to reach us first.
    const offer =
      carryOffer && ctx.opts.autoConnect !== false && ctx.session.initiatesTo === undefined
        ? await ctx.connections.carryOffer(roomId).catch(() => undefined)
        : undefined;
    const offs: (() => void)[] = [];
    const admitted = new Promise<ServerMessageOf<"joined">>((resolve, reject) => {
      offs.push(
        ctx.events.on("joined", (j) => {
          if (j.roomId === roomId) resolve(j as unknown as ServerMessageOf<"joined">);
        }),
        ctx.events.on("lobbyDenied", (d) => {
          if (d.roomId === roomId) reject(new SwitchboardError("lobby_denied", roomId));
        }),
        ctx.events.on("roomEnded", (d) => {
          if (d.roomId === roomId) reject(new SwitchboardError("meeting_ended", roomId));
        }),
      );
    });
    admitted.catch(() => undefined); // settled before it is awaited: not an unhandled rejection
    let answered = false;
    try {
      const request = ctx.session.request({
        type: "join",
        roomId,
        ...(ctx.opts.name ? { name: ctx.opts.name } : {}),
        ...(ctx.opts.hostKey ? { hostKey: ctx.opts.hostKey } : {}),
        ...(offer ? { offer } : {}),
        // Media opened before joining is shown to the room from the start.
        state: ctx.stores.media.get().state,
      });
      // The newcomer offers to the peers `joined` lists: while `join` is in flight (it goes out first), a
      // connection gets its offer ready — unless `join` carries one (its CPU time is then on the critical path of
      // that offer's answer, and a meeting of two needs no second one).
      if (ctx.opts.autoConnect !== false && !offer)
        setTimeout(() => {
          if (!answered) ctx.connections.prepareOffer();
        }, 0);
      const reply = await request;
      if (reply.type === "joined") return reply;
      return await admitted; // lobby: `joined` comes once a host admits
    } finally {
      answered = true;
      ctx.connections.settleCarried(roomId, undefined); // refused or failed: nobody got it
      for (const off of offs) off();
    }
  }

  async leave(roomId: string): Promise<void> {
    await this.#ctx.session.request({ type: "leave", roomId });
    this.left(roomId, "left");
  }

  /** The room is gone for us (left, kicked, ended): close its connections. */
  left(roomId: string, reason: string): void {
    const ctx = this.#ctx;
    for (const p of ctx.roster.peers(roomId)) ctx.connections.close(p.peerId, reason);
    ctx.roster.removeRoom(roomId);
    sync.peers(ctx);
    sync.session(ctx);
  }

  /** A new session replaced one that could not be resumed: tell connected peers our new id, join again. */
  async rejoin(welcome: Welcome, previous: Welcome): Promise<void> {
    const ctx = this.#ctx;
    await Promise.allSettled(
      ctx.connections
        .connectedPeers()
        .map((p) => ctx.connections.sendFrame(p, { t: "id", sessionId: welcome.sessionId })),
    );
    ctx.signer()?.pins.rename(previous.sessionId, welcome.sessionId);
    sync.session(ctx);
    for (const roomId of ctx.roster.rooms) {
      try {
        await this.join(roomId, false); // connected peers know us: no carried offer
      } catch (err) {
        ctx.events.emit("error", toSwitchboardError(err, "signaling_unreachable"));
      }
    }
  }

  /** Connects to one peer of the room unless a connection exists (errors become `error` events). */
  connectNow(roomId: string, peerId: string): void {
    const ctx = this.#ctx;
    if (ctx.roster.roomOf(peerId) !== roomId || ctx.connections.has(peerId)) return;
    ctx.connections.connect(peerId, roomId).catch((err: unknown) => {
      const e = toSwitchboardError(err, "ice_failed");
      if (e.code !== "not_connected") ctx.events.emit("error", e);
    });
  }

  /**
   * After `joined`: connect to every peer listed (the newcomer offers; a discovery
   * transport's `initiatesTo` picks one side per pair instead). After a rejoin, connected peers not
   * listed may be the listed ones under new ids: their `id` frames get a moment before a second connection.
   */
  connectListed(roomId: string, peers: readonly PeerInfo[], offeredTo?: string): void {
    const ctx = this.#ctx;
    if (ctx.opts.autoConnect === false) return;
    if (peers.every((p) => p.peerId === offeredTo)) ctx.connections.dropPreparedOffers();
    const listed = new Set(peers.map((p) => p.peerId));
    const renamesDue = ctx.connections.connectedPeers().some((id) => !listed.has(id));
    const connectAll = () => {
      for (const p of peers)
        if (ctx.session.initiatesTo?.(p.peerId) ?? true) this.connectNow(roomId, p.peerId);
    };
    if (renamesDue) setTimeout(connectAll, RENAME_GRACE_MS);
    else connectAll();
  }
}
