import type { ServerMessage, ServerMessageType } from "@switchboard/protocol";
import type { Logger } from "@switchboard/runtime";
import { SignalingError } from "../errors.js";
import type { SignalingMetrics } from "../metrics.js";
import {
  FrameRun,
  SerializedFrame,
  framePayload,
  messageCount,
  type Outbound,
  type SingleOutbound,
} from "../state/outbound.js";
import { RunSlabs } from "../state/run-slabs.js";
import { isSignalParts, signalFrame, type SignalParts } from "../state/signal-json.js";
import { encodeTextFrame } from "../state/text-frame.js";
import type { RoomView } from "../state/room-view.js";
import type { SessionRegistry } from "../state/session-registry.js";
import type { BusMessage, Member, PeerFrame, SignalingStore, StoredMeeting } from "../store/store.js";
import { DELIVER_WITHIN_MS, PendingReceipts } from "./receipts.js";

export interface BroadcastOptions {
  readonly msg?: ServerMessage;
  /** `joined`: every joined member; `hosts`: joined hosts only. */
  readonly audience?: "joined" | "hosts";
  readonly except?: string;
  readonly upsert?: Member;
  readonly remove?: string;
  readonly meeting?: StoredMeeting;
  readonly ended?: boolean;
  /**
   * One local member gets this message in place of `msg` (a `peer.joined` carrying the newcomer's offer), even
   * if `msg` itself is a repeat and goes to nobody (the offer in it is not). Never sent over the bus.
   */
  readonly instead?: { readonly peerId: string; readonly msg: ServerMessage };
}

export interface RouterOptions {
  instanceId: string;
  sessions: SessionRegistry;
  view: RoomView;
  store: SignalingStore;
  metrics: SignalingMetrics;
  logger: Logger;
}

/** Who sent a relay that asks for no receipt: told when its bus publish did not reach the peer's instance. */
export interface RelaySender {
  failLater(err: unknown, type: "signal", requestId: undefined): void;
}

const unreachable = () =>
  new SignalingError("unavailable", "the peer's instance is not reachable; not delivered");

/** A message to one peer: a server message, or a relayed signal not yet written (`SignalParts`). */
export type PeerOutbound = SingleOutbound | SignalParts;

const localFrame = (msg: PeerOutbound): SingleOutbound => (isSignalParts(msg) ? signalFrame(msg) : msg);
const busFrame = (msg: PeerOutbound): PeerFrame => (isSignalParts(msg) ? msg : framePayload(msg));
const typeOf = (msg: PeerOutbound) => (isSignalParts(msg) ? "signal" : msg.type);
/** The bus message carrying `msg` to `member` on its instance. */
const peerMessage = (member: Member, msg: PeerOutbound) =>
  ({
    kind: "peer",
    to: member.peerId,
    roomId: member.roomId,
    type: typeOf(msg),
    frame: busFrame(msg),
  }) as const;

function peerReached(receivers: number): void {
  if (receivers === 0) throw unreachable();
}

/**
 * A peer message from the bus as its WebSocket frame (a copy: the bytes may be a view into the whole batch);
 * received bytes go into reused memory (`slabs`), as a run of one.
 */
const received = (type: ServerMessageType, frame: PeerFrame, slabs: RunSlabs): SingleOutbound | FrameRun =>
  isSignalParts(frame)
    ? signalFrame(frame)
    : typeof frame === "string"
      ? SerializedFrame.fromWire(type, encodeTextFrame(frame))
      : FrameRun.of(type, [frame], slabs);

/**
 * Delivers server messages to peers: straight to a local session, or over the store's bus to the instance
 * holding the peer. Room events also keep every instance's room view current.
 */
export class Router {
  readonly #o: RouterOptions;
  readonly #pending = new PendingReceipts();
  /** Receipts to send, per sending instance, gathered during this event-loop turn. */
  readonly #receipts = new Map<string, { delivered: string[]; gone: string[] }>();
  /** The last bus publish per instance and its checked outcome (`#checked`). */
  readonly #lastPublish = new Map<string, { published: Promise<number>; checked: Promise<void> }>();
  /** The senders of the unacknowledged relays in the last bus publish per instance (`relay`). */
  readonly #relayBatches = new Map<string, { published: Promise<number>; senders: RelaySender[] }>();
  /** The ids of the receipt-asking relays in the last bus publish per instance (`#awaitReceipt`). */
  readonly #receiptBatches = new Map<string, { published: Promise<number>; ids: string[] }>();
  /** Memory for the frames delivered from the bus, reused once written (`onBus`). */
  readonly #slabs = new RunSlabs();
  constructor(opts: RouterOptions) {
    this.#o = opts;
  }

  get instanceId(): string {
    return this.#o.instanceId;
  }

  /**
   * Sends to one member of a room (`unknown_peer` when it is not there): synchronously to a local session,
   * else a promise of the bus publish of the frame, serialized here once (the receiving instance sends it as is).
   * The promise rejects with `unavailable` when the message did not reach the peer's instance: Redis could not
   * take it in time, or the instance is not connected to Redis (it died, or is reconnecting).
   */
  toPeer(roomId: string, peerId: string, msg: SingleOutbound): Promise<void> | undefined {
    const member = this.#o.view.get(roomId, peerId);
    if (!member) throw new SignalingError("unknown_peer", "no such peer in this room", roomId);
    return this.toMember(member, msg);
  }

  /**
   * `toPeer` for a member already looked up. With `receipt`, a message to another instance resolves only once
   * that instance reports it handed the frame to the peer's connection (`PendingReceipts`): `unknown_peer` if
   * the peer was no longer there, `unavailable` if no receipt came back in time.
   */
  toMember(member: Member, msg: PeerOutbound, receipt = false): Promise<void> | undefined {
    if (member.instanceId === this.#o.instanceId) {
      this.deliverLocal(member.peerId, localFrame(msg));
      return undefined;
    }
    this.#o.metrics.countBus("out");
    const bus = peerMessage(member, msg);
    if (!receipt) return this.#checked(member.instanceId, this.#o.store.publish(member.instanceId, bus));
    const { id, done } = this.#pending.expect(member.roomId);
    const deliverBy = Math.round(this.#o.store.now() + DELIVER_WITHIN_MS);
    const published = this.#o.store.publish(member.instanceId, {
      ...bus,
      receipt: { replyTo: this.#o.instanceId, id, deliverBy },
    });
    this.#awaitReceipt(member.instanceId, published, id);
    return done;
  }

  /**
   * A relay that asks for no receipt (a `signal` without `id`): delivered like `toMember`, but nothing waits for
   * it per relay. The relays of one bus publish share one reaction to its outcome, which tells each `sender`
   * when the publish did not reach the peer's instance. Returns the publish's outcome (shared by the batch, for
   * a caller that times it), or undefined when the message was delivered here.
   */
  relay(member: Member, msg: PeerOutbound, sender: RelaySender): Promise<number> | undefined {
    if (member.instanceId === this.#o.instanceId) {
      this.deliverLocal(member.peerId, localFrame(msg));
      return undefined;
    }
    this.#o.metrics.countBus("out");
    const instanceId = member.instanceId;
    const published = this.#o.store.publish(instanceId, peerMessage(member, msg));
    const last = this.#relayBatches.get(instanceId);
    if (last?.published === published) {
      last.senders.push(sender);
      return published;
    }
    const batch = { published, senders: [sender] };
    this.#relayBatches.set(instanceId, batch);
    const settle = (err: unknown) => {
      if (this.#relayBatches.get(instanceId) === batch) this.#relayBatches.delete(instanceId);
      if (err !== undefined) for (const one of batch.senders) one.failLater(err, "signal", undefined);
    };
    published.then(
      (receivers) => settle(receivers === 0 ? unreachable() : undefined),
      (err: unknown) => settle(err instanceof SignalingError ? err : unreachable()),
    );
    return published;
  }

  /**
   * The publish outcome as `toMember` reports it (`unavailable` when no subscriber got it). Relays to one instance
   * in one event-loop turn share their publish (the store batches them), so they share this promise too: one
   * per batch, not one per relay.
   */
  #checked(instanceId: string, published: Promise<number>): Promise<void> {
    const last = this.#lastPublish.get(instanceId);
    if (last?.published === published) return last.checked;
    const checked = published.then(peerReached);
    this.#lastPublish.set(instanceId, { published, checked });
    // Dropped once settled, so that a dead instance's entry does not outlive its last publish.
    checked.then(
      () => this.#forget(instanceId, published),
      () => this.#forget(instanceId, published),
    );
    return checked;
  }

  #forget(instanceId: string, published: Promise<number>): void {
    if (this.#lastPublish.get(instanceId)?.published === published) this.#lastPublish.delete(instanceId);
  }

  /**
   * Fails the pending receipt `id` at once when its publish did not reach the peer's instance. The relays of one
   * batch share the publish, so one reaction serves all their ids.
   */
  #awaitReceipt(instanceId: string, published: Promise<number>, id: string): void {
    const last = this.#receiptBatches.get(instanceId);
    if (last?.published === published) {
      last.ids.push(id);
      return;
    }
    const batch = { published, ids: [id] };
    this.#receiptBatches.set(instanceId, batch);
    const settle = (err: SignalingError | undefined) => {
      if (this.#receiptBatches.get(instanceId) === batch) this.#receiptBatches.delete(instanceId);
      if (err !== undefined) for (const one of batch.ids) this.#pending.fail(one, err);
    };
    published.then(
      (receivers) => settle(receivers === 0 ? unreachable() : undefined),
      (err: unknown) => settle(err instanceof SignalingError ? err : unreachable()),
    );
  }

  /** Hands a message to a local session (buffered while it is cut off); false if there is no such session. */
  deliverLocal(sessionId: string, msg: Outbound): boolean {
    if (!this.#o.sessions.deliver(sessionId, msg)) return false;
    this.#o.metrics.countSent(msg.type, messageCount(msg));
    return true;
  }

  /**
   * Applies a room event here, delivers it to local members, and forwards it to the other instances with
   * members in the room (plus `instances`, for callers without a view of the room) (including a member being removed, so its instance learns it).
   */
  async broadcast(roomId: string, opts: BroadcastOptions, instances?: ReadonlySet<string>): Promise<void> {
    const targets = this.#o.view.otherInstances(roomId, this.#o.instanceId);
    for (const id of instances ?? []) if (id !== this.#o.instanceId) targets.add(id);
    if (opts.upsert && opts.upsert.instanceId !== this.#o.instanceId) targets.add(opts.upsert.instanceId);
    this.#apply(roomId, opts);
    if (targets.size === 0) return;
    const { instead: _local, ...shared } = opts;
    const bus: BusMessage = { kind: "room", roomId, audience: opts.audience ?? "joined", ...shared };
    const results = await Promise.allSettled([...targets].map((id) => this.#o.store.publish(id, bus)));
    this.#o.metrics.countBus("out", targets.size);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
  }

  /** A message from another instance. */
  onBus(msg: BusMessage): void {
    this.#o.metrics.countBus("in");
    if (msg.kind === "peer") {
      const r = msg.receipt;
      // Past its deadline the sender has given up (or is about to) and answered `unavailable`: not delivered.
      if (r !== undefined && this.#o.store.now() > r.deliverBy) return;
      // Only to a session still in that room here (it may have left since the sender looked).
      // The frame is copied once into its WebSocket frame (it may be a view into the whole bus batch).
      const delivered =
        this.#o.view.get(msg.roomId, msg.to)?.instanceId === this.#o.instanceId &&
        this.deliverLocal(msg.to, received(msg.type, msg.frame, this.#slabs));
      if (r !== undefined) this.#receipt(r.replyTo, r.id, delivered);
      return;
    }
    if (msg.kind === "peers") {
      // A run of relays to one peer: checked once, copied into one buffer, written at once.
      this.#o.metrics.countBus("in", msg.frames.length - 1);
      if (this.#o.view.get(msg.roomId, msg.to)?.instanceId === this.#o.instanceId)
        this.deliverLocal(msg.to, FrameRun.of(msg.type, msg.frames, this.#slabs));
      return;
    }
    if (msg.kind === "receipts") {
      for (const id of msg.delivered) this.#pending.settle(id, "delivered");
      for (const id of msg.gone) this.#pending.settle(id, "gone");
      return;
    }
    if (!this.#o.view.has(msg.roomId) && !msg.upsert) return;
    this.#apply(msg.roomId, msg);
  }

  /**
   * Queues a receipt; those of one event-loop turn go out together, one bus message per sending instance, in a
   * `setImmediate` queued after the one that writes the turn's frames to their sockets (`batchWrites`).
   */
  #receipt(replyTo: string, id: string, delivered: boolean): void {
    let batch = this.#receipts.get(replyTo);
    if (!batch) {
      if (this.#receipts.size === 0) setImmediate(() => this.#sendReceipts());
      this.#receipts.set(replyTo, (batch = { delivered: [], gone: [] }));
    }
    (delivered ? batch.delivered : batch.gone).push(id);
  }

  #sendReceipts(): void {
    for (const [replyTo, batch] of this.#receipts) {
      this.#o.metrics.countBus("out");
      // A receipt that does not get through makes the sender answer `unavailable` at its deadline.
      this.#o.store
        .publish(replyTo, { kind: "receipts", ...batch })
        .catch((err: unknown) => this.#o.logger.debug({ err }, "receipt not sent"));
    }
    this.#receipts.clear();
  }

  /** Applies a room event to this instance only (each instance sweeps dead peers itself). */
  applyLocal(roomId: string, opts: BroadcastOptions): void {
    this.#apply(roomId, opts);
  }

  #apply(roomId: string, opts: BroadcastOptions): void {
    const { view, sessions, instanceId } = this.#o;
    const removed = opts.remove === undefined ? undefined : view.get(roomId, opts.remove);
    const known = opts.upsert ? view.get(roomId, opts.upsert.peerId) : undefined;
    // Already applied (by a reconcile that saw the store first): do not announce twice.
    const duplicate =
      (opts.msg?.type === "peer.joined" && known?.status === "joined") ||
      (opts.msg?.type === "peer.left" && removed === undefined);
    if (opts.upsert) view.upsert(opts.upsert);
    if (opts.meeting) view.setMeeting(opts.meeting);
    const instead = opts.instead;
    if (opts.msg && !duplicate) {
      const hostsOnly = opts.audience === "hosts";
      for (const m of view.members(roomId)) {
        if (m.instanceId !== instanceId || m.peerId === opts.except) continue;
        if (m.status !== "joined" && !opts.ended) continue;
        if (hostsOnly && m.role !== "host") continue;
        this.deliverLocal(m.peerId, m.peerId === instead?.peerId ? instead.msg : opts.msg);
      }
    } else if (instead !== undefined) {
      this.deliverLocal(instead.peerId, instead.msg);
    }
    if (opts.remove !== undefined) {
      view.remove(roomId, opts.remove);
      if (removed?.instanceId === instanceId) sessions.get(opts.remove)?.rooms.delete(roomId);
    }
    if (opts.ended) {
      for (const m of view.members(roomId))
        if (m.instanceId === instanceId) sessions.get(m.peerId)?.rooms.delete(roomId);
      view.drop(roomId);
    } else {
      view.dropIfNoLocal(roomId, instanceId);
    }
  }
}
