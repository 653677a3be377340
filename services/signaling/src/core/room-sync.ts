import type { RoomView } from "../state/room-view.js";
import type { SignalingStore } from "../store/store.js";
import { peerInfo, type Rooms } from "./rooms.js";
import type { Router } from "./router.js";

export interface RoomSyncOptions {
  instanceId: string;
  store: SignalingStore;
  view: RoomView;
  router: Router;
  rooms: Rooms;
}

/** Keeps this instance's room view and the shared store in agreement (after outages, crashes, lost messages). */
export class RoomSync {
  readonly #o: RoomSyncOptions;
  constructor(opts: RoomSyncOptions) {
    this.#o = opts;
  }

  /** Re-registers this instance's rooms and members after a store outage (the store may have come back empty). */
  async reRegister(): Promise<void> {
    const { store, view, instanceId, rooms } = this.#o;
    await rooms.retryDeferredRemovals();
    for (const roomId of view.roomIds()) {
      const meeting = view.meeting(roomId);
      if (meeting) await store.createMeeting(meeting);
      for (const m of view.members(roomId)) if (m.instanceId === instanceId) await store.addMember(m);
    }
  }

  /**
   * Reconciles the view with the store, room by room: members of crashed instances (presence expired) or
   * missed while Redis was away are removed, members missed are added, local members the store lost are
   * written back. Local members hear `peer.left`/`peer.joined` for each difference. Changes the bus applies
   * while the store is being read are not undone.
   */
  async reconcile(): Promise<number> {
    const { store, view, router, instanceId } = this.#o;
    let changes = 0;
    for (const roomId of view.roomIds()) {
      const before = new Set(view.members(roomId).map((m) => m.peerId));
      view.trackRemovals();
      const stored = new Map((await store.listMembers(roomId)).map((m) => [m.peerId, m]));
      for (const m of view.members(roomId)) {
        if (m.instanceId === instanceId) {
          if (!stored.has(m.peerId)) await store.addMember(m);
          continue;
        }
        if (stored.has(m.peerId) || !before.has(m.peerId)) continue;
        changes++;
        await this.#o.rooms.forget(roomId, m.peerId);
        const msg = { v: 1, type: "peer.left", roomId, peerId: m.peerId, reason: "disconnected" } as const;
        router.applyLocal(roomId, {
          msg,
          audience: m.status === "lobby" ? "hosts" : "joined",
          remove: m.peerId,
        });
      }
      for (const m of stored.values()) {
        if (m.instanceId === instanceId || view.get(roomId, m.peerId) || view.wasRemoved(roomId, m.peerId))
          continue;
        if (!view.has(roomId)) break;
        changes++;
        const msg =
          m.status === "joined"
            ? ({ v: 1, type: "peer.joined", roomId, peer: peerInfo(m) } as const)
            : ({ v: 1, type: "lobby.request", roomId, peer: peerInfo(m) } as const);
        router.applyLocal(roomId, { msg, audience: m.status === "joined" ? "joined" : "hosts", upsert: m });
      }
    }
    return changes;
  }
}
