import type { ServerMessageOf } from "@switchboard/protocol";
import type { Clock } from "@switchboard/runtime";
import type { TokenVerifier } from "../auth/token-verifier.js";
import { SignalingError } from "../errors.js";
import { anonymousTurnUser, buildIceServers, type IceServerOptions } from "../ice-servers.js";
import type { Outbound } from "../state/outbound.js";
import type { Session, SessionRegistry, Sink } from "../state/session-registry.js";
import type { MessageOf } from "./context.js";

export interface HelloContext {
  readonly verifyToken: TokenVerifier;
  readonly sessions: SessionRegistry;
  readonly ice: IceServerOptions;
  readonly clock: Clock;
  readonly limits: ServerMessageOf<"welcome">["limits"];
  readonly resumeGraceMs: number;
}

export interface HelloResult {
  readonly session: Session;
  readonly welcome: ServerMessageOf<"welcome">;
  /** Messages addressed to a resumed session while it was cut off, to send after `welcome`. */
  readonly missed: readonly Outbound[];
  /** The session was still attached to another connection, which must now be closed. */
  readonly tookOver: boolean;
}

/**
 * `hello` → `welcome`: authenticates the token (or admits an anonymous user), then starts a new session or
 * resumes a cut-off one (`not_resumable` when it cannot; the client then says hello without `resume`).
 */
export async function handleHello(
  ctx: HelloContext,
  msg: MessageOf<"hello">,
  sink: Sink,
  features: ReadonlySet<string> = new Set(),
): Promise<HelloResult> {
  const identity = await ctx.verifyToken(msg.token);
  let session: Session;
  let missed: readonly Outbound[] = [];
  let tookOver = false;
  if (msg.resume) {
    const existing = ctx.sessions.get(msg.resume.sessionId);
    if (existing && existing.identity.userId !== identity.userId)
      throw new SignalingError("not_resumable", "the session belongs to another user");
    const resumed = ctx.sessions.resume(msg.resume.sessionId, msg.resume.resumeToken, sink);
    if (!resumed) throw new SignalingError("not_resumable", "the session cannot be resumed; join again");
    session = resumed.session;
    missed = resumed.missed;
    tookOver = resumed.tookOver;
  } else {
    session = ctx.sessions.create(identity, sink);
  }
  // The connection's features: a resumed session may be on a client of another version now.
  session.features = features;
  const welcome: ServerMessageOf<"welcome"> = {
    v: 1,
    type: "welcome",
    sessionId: session.id,
    resumeToken: session.resumeToken,
    resumeGraceMs: ctx.resumeGraceMs,
    resumed: msg.resume !== undefined,
    rooms: [...session.rooms],
    // Every session's TURN username has a user part (TURN counts its quota by it): the token's subject, or
    // one derived from the session for anonymous users.
    iceServers: buildIceServers(ctx.ice, ctx.clock.now(), identity.userId ?? anonymousTurnUser(session.id)),
    limits: ctx.limits,
  };
  if (msg.id !== undefined) welcome.id = msg.id;
  return { session, welcome, missed, tookOver };
}
