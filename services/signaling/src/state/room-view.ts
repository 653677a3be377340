import type { Member, StoredMeeting } from "../store/store.js";

interface RoomEntry {
  readonly members: Map<string, Member>;
  meeting: StoredMeeting | undefined;
}

/**
 * This instance's view of the rooms it has local members in: every member (local or on other instances)
 * and the meeting record. Kept current by local operations and bus messages.
 */
export class RoomView {
  readonly #rooms = new Map<string, RoomEntry>();
  /** Members removed since `trackRemovals()` (room id + peer id), so a reconcile does not resurrect them. */
  readonly #removed = new Set<string>();

  trackRemovals(): void {
    this.#removed.clear();
  }

  wasRemoved(roomId: string, peerId: string): boolean {
    return this.#removed.has(`${roomId} ${peerId}`);
  }

  /** Room members connected to instance `self`. */
  localCount(self: string): number {
    let n = 0;
    for (const e of this.#rooms.values()) for (const m of e.members.values()) if (m.instanceId === self) n++;
    return n;
  }

  get roomCount(): number {
    return this.#rooms.size;
  }

  has(roomId: string): boolean {
    return this.#rooms.has(roomId);
  }

  /** Replaces the view of a room's members on other instances with what the store says. */
  load(roomId: string, members: readonly Member[], meeting: StoredMeeting | undefined, self: string): void {
    const entry = this.#entry(roomId);
    for (const [id, m] of entry.members) if (m.instanceId !== self) entry.members.delete(id);
    for (const m of members)
      if (m.instanceId !== self || !entry.members.has(m.peerId)) entry.members.set(m.peerId, m);
    if (meeting) entry.meeting = meeting;
  }

  upsert(member: Member): void {
    this.#entry(member.roomId).members.set(member.peerId, member);
  }

  setMeeting(meeting: StoredMeeting): void {
    const entry = this.#rooms.get(meeting.roomId);
    if (entry) entry.meeting = meeting;
  }

  meeting(roomId: string): StoredMeeting | undefined {
    return this.#rooms.get(roomId)?.meeting;
  }

  get(roomId: string, peerId: string): Member | undefined {
    return this.#rooms.get(roomId)?.members.get(peerId);
  }

  remove(roomId: string, peerId: string): Member | undefined {
    const entry = this.#rooms.get(roomId);
    const m = entry?.members.get(peerId);
    if (m) {
      entry?.members.delete(peerId);
      if (this.#removed.size < 10_000) this.#removed.add(`${roomId} ${peerId}`);
    }
    return m;
  }

  members(roomId: string): Member[] {
    return [...(this.#rooms.get(roomId)?.members.values() ?? [])];
  }

  /** Other instances holding members of the room. */
  otherInstances(roomId: string, self: string): Set<string> {
    const out = new Set<string>();
    for (const m of this.#rooms.get(roomId)?.members.values() ?? [])
      if (m.instanceId !== self) out.add(m.instanceId);
    return out;
  }

  /** Forgets a room once no local member is left in it. */
  dropIfNoLocal(roomId: string, self: string): void {
    const entry = this.#rooms.get(roomId);
    if (!entry) return;
    for (const m of entry.members.values()) if (m.instanceId === self) return;
    this.#rooms.delete(roomId);
  }

  drop(roomId: string): void {
    this.#rooms.delete(roomId);
  }

  roomIds(): string[] {
    return [...this.#rooms.keys()];
  }

  #entry(roomId: string): RoomEntry {
    let e = this.#rooms.get(roomId);
    if (!e) this.#rooms.set(roomId, (e = { members: new Map(), meeting: undefined }));
    return e;
  }
}
