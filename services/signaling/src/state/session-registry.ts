import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "@switchboard/runtime";
import type { Identity } from "../auth/identity.js";
import { FrameRun, type Outbound } from "./outbound.js";

/**
 * Where a connected session's messages go (the transport's send); the state never sees the socket.
 * Returns false when the connection can no longer take messages (they are then buffered for a resume).
 */
export type Sink = (msg: Outbound) => boolean;

export interface Session {
  readonly id: string;
  readonly resumeToken: string;
  readonly identity: Identity;
  /** Rooms joined or waited for in the lobby. */
  readonly rooms: Set<string>;
  sink: Sink | undefined;
  disconnectedAt: number | undefined;
  /** Messages addressed to the session while it was cut off (bounded). */
  buffer: Outbound[];
  /** The buffer overflowed: the session can no longer be resumed faithfully. */
  overflowed: boolean;
  /** Protocol features its connection asked for (`FEATURES_PARAM`, known ones only); set again on a resume. */
  features: ReadonlySet<string>;
}

export interface SessionRegistryOptions {
  clock: Clock;
  graceMs: number;
  bufferSize: number;
}

const NO_FEATURES: ReadonlySet<string> = new Set();

const newId = (bytes: number): string => randomBytes(bytes).toString("base64url");

/** The sessions of this instance, connected or within their resume grace period. */
export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #opts: SessionRegistryOptions;
  constructor(opts: SessionRegistryOptions) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Sessions cut off and waiting for a resume. */
  get detached(): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (s.disconnectedAt !== undefined) n++;
    return n;
  }

  create(identity: Identity, sink: Sink): Session {
    const session: Session = {
      id: newId(9),
      resumeToken: newId(24),
      identity,
      rooms: new Set(),
      sink,
      disconnectedAt: undefined,
      buffer: [],
      overflowed: false,
      features: NO_FEATURES,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /**
   * Re-attaches a session to a new connection; returns the messages buffered meanwhile, or undefined when the
   * session is unknown, past its grace, overflowed or the token is wrong. A session whose old connection still
   * looks alive (the client saw it die first) is taken over: `tookOver` tells the caller to close the old one.
   */
  resume(
    id: string,
    token: string,
    sink: Sink,
  ): { session: Session; missed: Outbound[]; tookOver: boolean } | undefined {
    const s = this.#sessions.get(id);
    if (!s || s.overflowed) return undefined;
    if (s.disconnectedAt !== undefined && this.#opts.clock.now() - s.disconnectedAt > this.#opts.graceMs)
      return undefined;
    const a = Buffer.from(token);
    const b = Buffer.from(s.resumeToken);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
    const missed = s.buffer;
    const tookOver = s.disconnectedAt === undefined;
    s.buffer = [];
    s.sink = sink;
    s.disconnectedAt = undefined;
    return { session: s, missed, tookOver };
  }

  /** The connection is gone; the session waits for a resume until the grace period ends. */
  detach(id: string): void {
    const s = this.#sessions.get(id);
    if (!s) return;
    s.sink = undefined;
    s.disconnectedAt = this.#opts.clock.now();
  }

  /**
   * Sends to a session, or buffers while it is cut off (a run of frames counts as its frames). Returns false when
   * the session is unknown.
   */
  deliver(id: string, msg: Outbound): boolean {
    const s = this.#sessions.get(id);
    if (!s) return false;
    if (s.sink?.(msg)) return true;
    for (const one of msg instanceof FrameRun ? msg.frames() : [msg]) {
      if (s.buffer.length >= this.#opts.bufferSize) s.overflowed = true;
      else s.buffer.push(one);
    }
    return true;
  }

  /** Cut-off sessions whose grace period is over (removed from the registry). */
  takeExpired(): Session[] {
    const now = this.#opts.clock.now();
    const out: Session[] = [];
    for (const s of this.#sessions.values()) {
      if (s.disconnectedAt !== undefined && now - s.disconnectedAt > this.#opts.graceMs) out.push(s);
    }
    for (const s of out) this.#sessions.delete(s.id);
    return out;
  }

  remove(id: string): void {
    this.#sessions.delete(id);
  }

  all(): IterableIterator<Session> {
    return this.#sessions.values();
  }
}
