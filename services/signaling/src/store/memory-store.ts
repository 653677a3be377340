import type { ChatEntry, MeetingStatus } from "@switchboard/protocol";
import type { Clock } from "@switchboard/runtime";
import { MeetingBook } from "../state/meeting-book.js";
import type { BusMessage, MeetingsPageResult, Member, SignalingStore, StoredMeeting } from "./store.js";

/** State that several in-process instances may share (tests of cross-instance behaviour without Redis). */
export class MemoryBackend {
  readonly members = new Map<string, Map<string, Member>>();
  readonly chats = new Map<string, { seq: number; entries: ChatEntry[] }>();
  readonly buses = new Map<string, (msg: BusMessage) => void>();
  /** Meetings by room and by host; an expired meeting takes its chat with it. */
  readonly meetings = new MeetingBook({ onExpired: (roomId) => this.chats.delete(roomId) });
}

/** Everything in this process: the embedded default. Never unavailable. */
export class MemoryStore implements SignalingStore {
  readonly shared = false;
  readonly #b: MemoryBackend;
  readonly #clock: Clock;
  #instanceId = "";

  constructor(opts: { clock: Clock; backend?: MemoryBackend }) {
    this.#clock = opts.clock;
    this.#b = opts.backend ?? new MemoryBackend();
  }

  start(instanceId: string, onMessage: (msg: BusMessage) => void): Promise<void> {
    this.#instanceId = instanceId;
    this.#b.buses.set(instanceId, onMessage);
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.#b.buses.delete(this.#instanceId);
    return Promise.resolve();
  }

  now(): number {
    return Date.now();
  }

  isUp(): boolean {
    return true;
  }
  onStatusChange(): void {}

  createMeeting(meeting: StoredMeeting): Promise<boolean> {
    return Promise.resolve(this.#b.meetings.add(meeting, this.#clock.now()));
  }
  getMeeting(roomId: string): Promise<StoredMeeting | undefined> {
    return Promise.resolve(this.#b.meetings.get(roomId, this.#clock.now()));
  }
  putMeeting(meeting: StoredMeeting): Promise<void> {
    this.#b.meetings.put(meeting);
    return Promise.resolve();
  }
  listMeetings(
    hostId: string,
    limit: number,
    cursor?: string,
    status?: MeetingStatus,
  ): Promise<MeetingsPageResult> {
    return Promise.resolve(
      this.#b.meetings.listByHost(hostId, { now: this.#clock.now(), limit, cursor, status }),
    );
  }

  addMember(member: Member): Promise<void> {
    let room = this.#b.members.get(member.roomId);
    if (!room) this.#b.members.set(member.roomId, (room = new Map<string, Member>()));
    room.set(member.peerId, member);
    return Promise.resolve();
  }
  removeMember(roomId: string, peerId: string): Promise<void> {
    const room = this.#b.members.get(roomId);
    room?.delete(peerId);
    if (room?.size === 0) this.#b.members.delete(roomId);
    return Promise.resolve();
  }
  listMembers(roomId: string): Promise<Member[]> {
    const room = this.#b.members.get(roomId);
    return Promise.resolve(room ? [...room.values()].filter((m) => this.#b.buses.has(m.instanceId)) : []);
  }

  appendChat(entry: Omit<ChatEntry, "seq">, max: number): Promise<ChatEntry> {
    let chat = this.#b.chats.get(entry.roomId);
    if (!chat) this.#b.chats.set(entry.roomId, (chat = { seq: 0, entries: [] }));
    const stamped: ChatEntry = { ...entry, seq: ++chat.seq };
    chat.entries.push(stamped);
    while (chat.entries.length > max) chat.entries.shift();
    return Promise.resolve(stamped);
  }
  chatHistory(roomId: string): Promise<ChatEntry[]> {
    return Promise.resolve([...(this.#b.chats.get(roomId)?.entries ?? [])]);
  }
  chatCount(roomId: string): Promise<number> {
    return Promise.resolve(this.#b.chats.get(roomId)?.seq ?? 0);
  }

  purgeExpired(): Promise<void> {
    this.#b.meetings.sweep(this.#clock.now());
    return Promise.resolve();
  }

  deadInstances(instanceIds: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(instanceIds.filter((id) => !this.#b.buses.has(id))));
  }

  publish(instanceId: string, msg: BusMessage): Promise<number> {
    const deliver = this.#b.buses.get(instanceId);
    // Asynchronous like a real bus, in order.
    if (deliver) queueMicrotask(() => deliver(structuredClone(msg)));
    return Promise.resolve(deliver ? 1 : 0);
  }
}
