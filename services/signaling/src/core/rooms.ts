import {
  FEATURE_PEER_JOINED_OFFER,
  type MeetingSettings,
  type MeetingSettingsPatch,
  type PeerInfo,
  type PeerLeftReason,
  type PeerState,
  type PeerStatePatch,
  type ServerMessageOf,
  type SignalData,
} from "@switchboard/protocol";
import type { Clock, Logger } from "@switchboard/runtime";
import { SignalingError } from "../errors.js";
import { decideAdmission } from "../state/admission.js";
import { assertChatAllowed, assertStateAllowed } from "../state/feature-gates.js";
import type { RoomView } from "../state/room-view.js";
import type { Session, SessionRegistry } from "../state/session-registry.js";
import type { Member, SignalingStore, StoredMeeting } from "../store/store.js";
import { newMeeting } from "./meeting-factory.js";
import { offerTarget } from "./offer-target.js";
import type { Router } from "./router.js";

export interface RoomsOptions {
  instanceId: string;
  store: SignalingStore;
  view: RoomView;
  router: Router;
  /** This instance's sessions: whether a member's client asked for a protocol feature. */
  sessions: SessionRegistry;
  clock: Clock;
  logger: Logger;
  chatHistorySize: number;
  maxRoomsPerConnection: number;
  autoCreateRooms: boolean;
  defaultSettings: MeetingSettings;
  meetingTtlMs: number;
}

export interface JoinRequest {
  roomId: string;
  name?: string | undefined;
  state?: PeerState | undefined;
  hostKey?: string | undefined;
  /** The join-carried offer (`join.offer`): relayed to one peer (`offerTarget`). */
  offer?: Extract<SignalData, { kind: "offer" }> | undefined;
}

const NO_MEDIA: PeerState = { audio: false, video: false, screen: false };

/** What the others see of a member. */
export function peerInfo(m: Member): PeerInfo {
  const info: PeerInfo = {
    peerId: m.peerId,
    name: m.name,
    role: m.role,
    state: m.state,
    joinedAt: m.joinedAt,
  };
  if (m.userId !== undefined) info.userId = m.userId;
  return info;
}

/** Room membership and host controls: the rules, applied to the store, the room view and the router. */
export class Rooms {
  readonly #o: RoomsOptions;
  /** Removals the store missed during an outage, replayed when it is back. */
  readonly #pendingRemovals = new Set<string>();

  constructor(opts: RoomsOptions) {
    this.#o = opts;
  }

  async join(session: Session, req: JoinRequest): Promise<ServerMessageOf<"joined" | "lobby.waiting">> {
    const { store, view, router, clock } = this.#o;
    const { roomId } = req;
    if (session.rooms.has(roomId)) throw new SignalingError("already_joined", "already in this room", roomId);
    if (session.rooms.size >= this.#o.maxRoomsPerConnection)
      throw new SignalingError("too_many_rooms", "in too many rooms already", roomId);
    let meeting = await store.getMeeting(roomId);
    let hostKey = req.hostKey;
    if (!meeting && this.#o.autoCreateRooms) {
      const created = newMeeting({
        roomId,
        hostId: session.identity.userId,
        defaults: this.#o.defaultSettings,
        nowMs: clock.now(),
        ttlMs: this.#o.meetingTtlMs,
      });
      if (await store.createMeeting(created)) hostKey = created.hostKey;
      meeting = await store.getMeeting(roomId);
    }
    if (!meeting) throw new SignalingError("room_not_found", "no such meeting", roomId);
    assertStateAllowed(meeting.settings, req.state, roomId);
    const members = await store.listMembers(roomId);
    const admission = decideAdmission({
      meeting,
      identity: session.identity,
      hostKey,
      joinedCount: members.filter((m) => m.status === "joined").length,
      now: clock.now(),
    });
    const member: Member = {
      roomId,
      peerId: session.id,
      instanceId: this.#o.instanceId,
      name: req.name ?? session.identity.name ?? "Guest",
      role: admission.role,
      state: req.state ?? NO_MEDIA,
      joinedAt: clock.now(),
      status: admission.status,
      ...(session.identity.userId === undefined ? {} : { userId: session.identity.userId }),
    };
    await store.addMember(member);
    session.rooms.add(roomId);
    await this.#dropDead(roomId, members);
    view.load(roomId, members, meeting, this.#o.instanceId);
    if (member.status === "lobby") {
      const msg = { v: 1, type: "lobby.request", roomId, peer: peerInfo(member) } as const;
      await router.broadcast(roomId, { msg, audience: "hosts", upsert: member });
      return { v: 1, type: "lobby.waiting", roomId };
    }
    const msg = { v: 1, type: "peer.joined", roomId, peer: peerInfo(member) } as const;
    // The join-carried offer goes to one peer on this instance (with nobody here to take it the client offers
    // as usual): inside its `peer.joined` when its client asked for that, else as a `signal` right behind it.
    const offer = req.offer;
    const to = offer === undefined ? undefined : offerTarget(view.members(roomId), member);
    const merged =
      to !== undefined && this.#o.sessions.get(to.peerId)?.features.has(FEATURE_PEER_JOINED_OFFER);
    const instead = merged ? { peerId: to.peerId, msg: { ...msg, offer } } : undefined;
    // Local members get the `peer.joined` as the broadcast starts, before it waits for other instances.
    const announced = router.broadcast(roomId, {
      msg,
      except: member.peerId,
      upsert: member,
      ...(instead && { instead }),
    });
    if (to !== undefined && offer !== undefined && !merged)
      // delivered locally like that `peer.joined`: in order, right behind it
      void router.toMember(to, { roomId, from: member.peerId, data: JSON.stringify(offer) });
    await announced;
    const joined = await this.#joined(member);
    return to === undefined ? joined : { ...joined, offeredTo: to.peerId };
  }

  /** Leaves a room; local clean-up happens at once even when the store is unreachable. */
  async leave(session: Session, roomId: string, reason: PeerLeftReason): Promise<void> {
    if (!session.rooms.has(roomId)) throw new SignalingError("not_in_room", "not in this room", roomId);
    session.rooms.delete(roomId);
    const member = this.#o.view.get(roomId, session.id);
    await this.#removeFromStore(roomId, session.id);
    const lobby = member?.status === "lobby";
    const msg = {
      v: 1,
      type: "peer.left",
      roomId,
      peerId: session.id,
      reason: lobby ? "lobby" : reason,
    } as const;
    await this.#o.router
      .broadcast(roomId, { msg, audience: lobby ? "hosts" : "joined", remove: session.id })
      .catch((err: unknown) =>
        this.#o.logger.warn({ err, room: roomId }, "peer.left not sent to other instances"),
      );
  }

  /** Leaves every room (disconnect after the grace period, `bye`); never throws. */
  async leaveAll(session: Session, reason: PeerLeftReason): Promise<void> {
    for (const roomId of [...session.rooms]) {
      await this.leave(session, roomId, reason).catch((err: unknown) =>
        this.#o.logger.warn({ err, room: roomId }, "leave incomplete"),
      );
    }
  }

  /** The member this session is in the room as (joined, not in the lobby). */
  member(session: Session, roomId: string): Member {
    const m = session.rooms.has(roomId) ? this.#o.view.get(roomId, session.id) : undefined;
    if (!m) throw new SignalingError("not_in_room", "not in this room", roomId);
    if (m.status === "lobby") throw new SignalingError("lobby_pending", "waiting for the host", roomId);
    return m;
  }

  host(session: Session, roomId: string): Member {
    const m = this.member(session, roomId);
    if (m.role !== "host") throw new SignalingError("forbidden", "only a host may do this", roomId);
    return m;
  }

  /** A joined peer of the room (`unknown_peer` otherwise). */
  target(roomId: string, peerId: string, status: Member["status"] = "joined"): Member {
    const m = this.#o.view.get(roomId, peerId);
    if (!m || m.status !== status)
      throw new SignalingError("unknown_peer", "no such peer in this room", roomId);
    return m;
  }

  async update(
    session: Session,
    roomId: string,
    change: { state?: PeerStatePatch; name?: string },
  ): Promise<void> {
    const m = this.member(session, roomId);
    assertStateAllowed(this.#o.view.meeting(roomId)?.settings, change.state, roomId);
    const next: Member = { ...m, state: { ...m.state, ...change.state }, name: change.name ?? m.name };
    await this.#o.store.addMember(next);
    const msg = { v: 1, type: "peer.updated", roomId, peer: peerInfo(next) } as const;
    await this.#o.router.broadcast(roomId, { msg, except: session.id, upsert: next });
  }

  async chat(session: Session, roomId: string, text: string): Promise<void> {
    const m = this.member(session, roomId);
    assertChatAllowed(this.#o.view.meeting(roomId)?.settings, roomId);
    const entry = await this.#o.store.appendChat(
      { roomId, from: m.peerId, name: m.name, text, ts: this.#o.clock.now() },
      this.#o.chatHistorySize,
    );
    await this.#o.router.broadcast(roomId, { msg: { v: 1, type: "chat", entry } });
  }

  async admit(session: Session, roomId: string, peerId: string): Promise<void> {
    this.host(session, roomId);
    const waiting = this.target(roomId, peerId, "lobby");
    const meeting = await this.#meeting(roomId);
    const joined = (await this.#o.store.listMembers(roomId)).filter((m) => m.status === "joined").length;
    if (joined >= meeting.settings.maxParticipants)
      throw new SignalingError("room_full", "the meeting is full", roomId);
    const member: Member = { ...waiting, status: "joined", joinedAt: this.#o.clock.now() };
    await this.#o.store.addMember(member);
    const msg = { v: 1, type: "peer.joined", roomId, peer: peerInfo(member) } as const;
    await this.#o.router.broadcast(roomId, { msg, except: peerId, upsert: member });
    await this.#o.router.toPeer(roomId, peerId, await this.#joined(member));
  }

  async deny(session: Session, roomId: string, peerId: string): Promise<void> {
    this.host(session, roomId);
    this.target(roomId, peerId, "lobby");
    await this.#o.store.removeMember(roomId, peerId);
    // The waiter's own notice is best effort: its instance may be gone; the others must still hear it.
    await this.#o.router
      .toPeer(roomId, peerId, { v: 1, type: "lobby.denied", roomId })
      ?.catch(() => undefined);
    const msg = { v: 1, type: "peer.left", roomId, peerId, reason: "lobby" } as const;
    await this.#o.router.broadcast(roomId, { msg, audience: "hosts", remove: peerId });
  }

  async kick(session: Session, roomId: string, peerId: string): Promise<void> {
    this.host(session, roomId);
    const target = this.#o.view.get(roomId, peerId);
    if (!target) throw new SignalingError("unknown_peer", "no such peer in this room", roomId);
    await this.#o.store.removeMember(roomId, peerId);
    await this.#o.router
      .toPeer(roomId, peerId, { v: 1, type: "kicked", roomId, by: session.id })
      ?.catch(() => undefined);
    const msg = { v: 1, type: "peer.left", roomId, peerId, reason: "kicked" } as const;
    const audience = target.status === "lobby" ? "hosts" : "joined";
    await this.#o.router.broadcast(roomId, { msg, audience, except: peerId, remove: peerId });
  }

  async requestMute(
    session: Session,
    roomId: string,
    peerId: string,
    kind: "audio" | "video",
  ): Promise<void> {
    this.host(session, roomId);
    this.target(roomId, peerId);
    await this.#o.router.toPeer(roomId, peerId, {
      v: 1,
      type: "mute.requested",
      roomId,
      by: session.id,
      kind,
    });
  }

  /** Changes settings (host controls and REST) and tells every instance with members. */
  async updateSettings(roomId: string, patch: MeetingSettingsPatch, title?: string): Promise<StoredMeeting> {
    const meeting = await this.#meeting(roomId);
    if (meeting.endedAt !== undefined)
      throw new SignalingError("meeting_ended", "the meeting has ended", roomId);
    const settings = { ...meeting.settings, ...patch };
    settings.maxParticipants = Math.min(settings.maxParticipants, this.#o.defaultSettings.maxParticipants);
    const next: StoredMeeting = { ...meeting, settings, title: title ?? meeting.title };
    await this.#o.store.putMeeting(next);
    const msg = { v: 1, type: "room.updated", roomId, settings } as const;
    await this.#o.router.broadcast(roomId, { msg, meeting: next }, await this.#instances(roomId));
    return next;
  }

  /** Ends the meeting: everyone is told and removed; later joins get `meeting_ended`. */
  async end(roomId: string): Promise<StoredMeeting> {
    const meeting = await this.#meeting(roomId);
    const ended: StoredMeeting = { ...meeting, endedAt: meeting.endedAt ?? this.#o.clock.now() };
    await this.#o.store.putMeeting(ended);
    const members = await this.#o.store.listMembers(roomId);
    for (const m of members) await this.#o.store.removeMember(roomId, m.peerId);
    const instances = new Set(members.map((m) => m.instanceId));
    const msg = { v: 1, type: "room.ended", roomId } as const;
    await this.#o.router.broadcast(roomId, { msg, ended: true, meeting: ended }, instances);
    return ended;
  }

  /** Retries the membership removals the store missed during an outage. */
  async retryDeferredRemovals(): Promise<void> {
    for (const key of [...this.#pendingRemovals]) {
      const [roomId = "", peerId = ""] = key.split(" ");
      await this.#o.store.removeMember(roomId, peerId);
      this.#pendingRemovals.delete(key);
    }
  }

  /** Removes a member from the store, or remembers to when the store is back. */
  async forget(roomId: string, peerId: string): Promise<void> {
    await this.#removeFromStore(roomId, peerId);
  }

  /**
   * Before a join reloads the room view from the store: members the view holds but the store no longer lists,
   * whose instance is dead, are announced `peer.left {reason: "disconnected"}` to the local members (the reload
   * would drop them silently, and the reconciliation would then never see them).
   */
  async #dropDead(roomId: string, listed: readonly Member[]): Promise<void> {
    const ids = new Set(listed.map((m) => m.peerId));
    const missing = this.#o.view
      .members(roomId)
      .filter((m) => m.instanceId !== this.#o.instanceId && !ids.has(m.peerId));
    if (missing.length === 0) return;
    const dead = await this.#o.store
      .deadInstances([...new Set(missing.map((m) => m.instanceId))])
      .catch(() => new Set<string>());
    for (const m of missing) {
      if (!dead.has(m.instanceId)) continue;
      await this.forget(roomId, m.peerId);
      const msg = { v: 1, type: "peer.left", roomId, peerId: m.peerId, reason: "disconnected" } as const;
      this.#o.router.applyLocal(roomId, {
        msg,
        audience: m.status === "lobby" ? "hosts" : "joined",
        remove: m.peerId,
      });
    }
  }

  async #joined(member: Member): Promise<ServerMessageOf<"joined">> {
    const { roomId } = member;
    const peers = this.#o.view
      .members(roomId)
      .filter((m) => m.status === "joined" && m.peerId !== member.peerId)
      .map(peerInfo);
    const settings = this.#o.view.meeting(roomId)?.settings ?? this.#o.defaultSettings;
    const chat = this.#o.chatHistorySize > 0 ? await this.#o.store.chatHistory(roomId) : [];
    return { v: 1, type: "joined", roomId, self: peerInfo(member), peers, chat, settings };
  }

  async #meeting(roomId: string): Promise<StoredMeeting> {
    const meeting = await this.#o.store.getMeeting(roomId);
    if (!meeting) throw new SignalingError("room_not_found", "no such meeting", roomId);
    return meeting;
  }

  async #instances(roomId: string): Promise<ReadonlySet<string>> {
    return new Set((await this.#o.store.listMembers(roomId)).map((m) => m.instanceId));
  }

  async #removeFromStore(roomId: string, peerId: string): Promise<void> {
    try {
      await this.#o.store.removeMember(roomId, peerId);
    } catch (err) {
      this.#pendingRemovals.add(`${roomId} ${peerId}`);
      this.#o.logger.warn({ err, room: roomId }, "membership removal deferred until the store is back");
    }
  }
}
