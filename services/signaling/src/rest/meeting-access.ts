import type { FastifyRequest } from "fastify";
import type { Identity } from "../auth/identity.js";
import type { TokenVerifier } from "../auth/token-verifier.js";
import { SignalingError } from "../errors.js";
import { isHost } from "../state/admission.js";
import type { SignalingStore, StoredMeeting } from "../store/store.js";

/** Who calls a REST route and which meeting it names: the checks every meetings route shares. */
export interface MeetingAccess {
  /** The caller: a verified `Authorization: Bearer` token, or anonymous (`unauthorized` when refused). */
  identify(req: FastifyRequest): Promise<Identity>;
  /** The `x-host-key` header, if any. */
  hostKeyOf(req: FastifyRequest): string | undefined;
  /** The meeting, or `room_not_found`. */
  load(roomId: string): Promise<StoredMeeting>;
  /** The meeting if the caller is its host (token or `x-host-key`), else `forbidden`. */
  asHost(req: FastifyRequest, roomId: string): Promise<StoredMeeting>;
}

export function createMeetingAccess(o: {
  readonly store: SignalingStore;
  readonly verifyToken: TokenVerifier;
}): MeetingAccess {
  const hostKeyOf = (req: FastifyRequest): string | undefined => {
    const key = req.headers["x-host-key"];
    return typeof key === "string" ? key : undefined;
  };
  const identify = (req: FastifyRequest): Promise<Identity> => {
    const auth = req.headers.authorization;
    const token = auth?.startsWith("Bearer ") ? auth.slice(7).trim() : undefined;
    return o.verifyToken(token || undefined);
  };
  const load = async (roomId: string): Promise<StoredMeeting> => {
    const m = await o.store.getMeeting(roomId);
    if (!m) throw new SignalingError("room_not_found", "no such meeting", roomId);
    return m;
  };
  return {
    identify,
    hostKeyOf,
    load,
    async asHost(req, roomId) {
      const identity = await identify(req);
      const m = await load(roomId);
      if (!isHost(m, identity, hostKeyOf(req)))
        throw new SignalingError("forbidden", "only the meeting's host may do this", roomId);
      return m;
    },
  };
}
