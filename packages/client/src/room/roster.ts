import type { MeetingSettings, PeerInfo } from "@switchboard/protocol";

export type RoomPeer = PeerInfo & { readonly roomId: string };

/** The rooms this client is in and the peers of each (by current session id). */
export class Roster {
  readonly #rooms = new Map<string, Map<string, RoomPeer>>();
  readonly #settings = new Map<string, MeetingSettings>();

  get rooms(): string[] {
    return [...this.#rooms.keys()];
  }

  has(roomId: string): boolean {
    return this.#rooms.has(roomId);
  }

  /** Replaces a room's peers (from `joined`). */
  setRoom(roomId: string, peers: readonly PeerInfo[]): void {
    this.#rooms.set(roomId, new Map(peers.map((p) => [p.peerId, { ...p, roomId }])));
  }

  removeRoom(roomId: string): void {
    this.#rooms.delete(roomId);
    this.#settings.delete(roomId);
  }

  /** A joined room's meeting settings (from `joined`, then `room.updated`). */
  setSettings(roomId: string, settings: MeetingSettings): void {
    if (this.#rooms.has(roomId)) this.#settings.set(roomId, settings);
  }

  settings(roomId: string): MeetingSettings | undefined {
    return this.#settings.get(roomId);
  }

  /** Every joined room's settings, by room id. */
  allSettings(): Record<string, MeetingSettings> {
    return Object.fromEntries(this.#settings);
  }

  /** Adds or replaces a peer; returns whether it is new. */
  upsert(roomId: string, peer: PeerInfo): boolean {
    const room = this.#rooms.get(roomId);
    if (!room) return false;
    const isNew = !room.has(peer.peerId);
    room.set(peer.peerId, { ...peer, roomId });
    return isNew;
  }

  remove(roomId: string, peerId: string): boolean {
    return this.#rooms.get(roomId)?.delete(peerId) ?? false;
  }

  /** The room a peer is in (the first, if several). */
  roomOf(peerId: string): string | undefined {
    for (const [roomId, room] of this.#rooms) if (room.has(peerId)) return roomId;
    return undefined;
  }

  peers(roomId?: string): RoomPeer[] {
    const rooms = roomId ? [this.#rooms.get(roomId)] : [...this.#rooms.values()];
    return rooms.flatMap((r) => (r ? [...r.values()] : []));
  }

  /** A peer rejoined under a new session id. */
  rename(oldId: string, newId: string): void {
    for (const room of this.#rooms.values()) {
      const p = room.get(oldId);
      if (p && !room.has(newId)) {
        room.delete(oldId);
        room.set(newId, { ...p, peerId: newId });
      }
    }
  }
}
