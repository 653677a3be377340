import type { MeetingStatus } from "@switchboard/protocol";
import { meetingStatus } from "../core/meeting-factory.js";
import type { StoredMeeting } from "../store/store.js";

/** A page of one host's meetings, newest first; `cursor` is the offset of the next page. */
export interface MeetingPage {
  readonly items: readonly StoredMeeting[];
  readonly nextCursor?: string;
}

/**
 * Meetings held in this process, indexed by room id and by host, with a min-heap of expiry times: listing a
 * user's meetings touches only that user's, and a sweep touches only what has expired. Pure state: the caller
 * passes the time.
 */
export class MeetingBook {
  readonly #byRoom = new Map<string, StoredMeeting>();
  readonly #byHost = new Map<string, Set<string>>();
  /** (expiresAt, roomId) pairs; an entry whose meeting was replaced or removed is skipped when it surfaces. */
  readonly #heap: Array<{ at: number; roomId: string }> = [];
  readonly #onExpired: (roomId: string) => void;

  constructor(opts: { onExpired?: (roomId: string) => void } = {}) {
    this.#onExpired = opts.onExpired ?? (() => undefined);
  }

  get size(): number {
    return this.#byRoom.size;
  }

  /** Meetings indexed under a host (expired ones until the next sweep). */
  hostIndexSize(hostId: string): number {
    return this.#byHost.get(hostId)?.size ?? 0;
  }

  /** Adds a meeting unless a live one holds its room id (an expired one is replaced). */
  add(meeting: StoredMeeting, now: number): boolean {
    if (this.get(meeting.roomId, now) !== undefined) return false;
    this.#byRoom.set(meeting.roomId, meeting);
    this.#index(meeting);
    this.#push({ at: meeting.expiresAt, roomId: meeting.roomId });
    return true;
  }

  /** Writes back a meeting (settings changed, ended); one already held keeps its expiry. */
  put(meeting: StoredMeeting): void {
    const old = this.#byRoom.get(meeting.roomId);
    if (!old) {
      this.add(meeting, Number.NEGATIVE_INFINITY);
      return;
    }
    if (old.hostId !== meeting.hostId) {
      this.#unindex(old);
      this.#index(meeting);
    }
    this.#byRoom.set(meeting.roomId, { ...meeting, expiresAt: old.expiresAt });
  }

  /** The live meeting of a room; an expired one is dropped on the way. */
  get(roomId: string, now: number): StoredMeeting | undefined {
    const m = this.#byRoom.get(roomId);
    if (m && m.expiresAt <= now) {
      this.#remove(m);
      return undefined;
    }
    return m;
  }

  /** A page of a host's live meetings, newest first; with `status`, only those in it. */
  listByHost(
    hostId: string,
    o: { now: number; limit: number; cursor?: string | undefined; status?: MeetingStatus | undefined },
  ): MeetingPage {
    const ids = this.#byHost.get(hostId);
    if (!ids) return { items: [] };
    const mine: StoredMeeting[] = [];
    for (const id of ids) {
      const m = this.#byRoom.get(id);
      if (m && m.expiresAt > o.now && (o.status === undefined || meetingStatus(m) === o.status)) mine.push(m);
    }
    mine.sort((a, b) => b.createdAt - a.createdAt || (a.roomId < b.roomId ? -1 : 1));
    const start = o.cursor === undefined ? 0 : Number.parseInt(o.cursor, 10) || 0;
    const items = mine.slice(start, start + o.limit);
    return start + o.limit < mine.length ? { items, nextCursor: String(start + o.limit) } : { items };
  }

  /** Removes every meeting expired at `now`; returns their room ids. */
  sweep(now: number): string[] {
    const gone: string[] = [];
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined || top.at > now) return gone;
      this.#pop();
      const m = this.#byRoom.get(top.roomId);
      if (m && m.expiresAt === top.at && m.expiresAt <= now) {
        this.#remove(m);
        gone.push(m.roomId);
      }
    }
  }

  #remove(m: StoredMeeting): void {
    this.#byRoom.delete(m.roomId);
    this.#unindex(m);
    this.#onExpired(m.roomId);
  }

  #index(m: StoredMeeting): void {
    if (m.hostId === undefined) return;
    let rooms = this.#byHost.get(m.hostId);
    if (!rooms) this.#byHost.set(m.hostId, (rooms = new Set()));
    rooms.add(m.roomId);
  }

  #unindex(m: StoredMeeting): void {
    if (m.hostId === undefined) return;
    const rooms = this.#byHost.get(m.hostId);
    rooms?.delete(m.roomId);
    if (rooms?.size === 0) this.#byHost.delete(m.hostId);
  }

  #push(e: { at: number; roomId: string }): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p];
      if (parent === undefined || parent.at <= e.at) break;
      h[i] = parent;
      i = p;
    }
    h[i] = e;
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let c = l;
      const lv = h[l];
      const rv = h[r];
      if (lv === undefined) break;
      if (rv !== undefined && rv.at < lv.at) c = r;
      const child = h[c];
      if (child === undefined || child.at >= last.at) break;
      h[i] = child;
      i = c;
    }
    h[i] = last;
  }
}
