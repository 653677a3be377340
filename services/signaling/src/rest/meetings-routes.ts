import {
  CreateMeetingBody,
  CreateMeetingReply,
  ErrorReply,
  Meeting,
  MeetingParams,
  MeetingStatsReply,
  MeetingsPage,
  MeetingsPageQuery,
  ParticipantsReply,
  UpdateMeetingBody,
  type MeetingSettings,
} from "@switchboard/protocol";
import type { RateLimitOptions } from "@fastify/rate-limit";
import type { Clock } from "@switchboard/runtime";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Identity } from "../auth/identity.js";
import type { TokenVerifier } from "../auth/token-verifier.js";
import { newMeeting, publicMeeting } from "../core/meeting-factory.js";
import { peerInfo, type Rooms } from "../core/rooms.js";
import { SignalingError } from "../errors.js";
import { assertMayView, isHost } from "../state/admission.js";
import type { SignalingStore, StoredMeeting } from "../store/store.js";

export interface MeetingsRoutesOptions {
  readonly store: SignalingStore;
  readonly rooms: Rooms;
  readonly verifyToken: TokenVerifier;
  readonly clock: Clock;
  readonly defaults: MeetingSettings;
  readonly meetingTtlMs: number;
  /** `@fastify/rate-limit` options of `POST /api/meetings` (the plugin registered on `app`). */
  readonly createLimit?: RateLimitOptions | undefined;
}

const hostKeyOf = (req: FastifyRequest): string | undefined => {
  const key = req.headers["x-host-key"];
  return typeof key === "string" ? key : undefined;
};

const errors = {
  429: ErrorReply,
  400: ErrorReply,
  401: ErrorReply,
  403: ErrorReply,
  404: ErrorReply,
  503: ErrorReply,
};

/** The meetings REST API under `/api`, validated with the protocol's schemas. */
export function registerMeetingsRoutes(app: FastifyInstance, o: MeetingsRoutesOptions): void {
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
  const asHost = async (req: FastifyRequest, roomId: string): Promise<StoredMeeting> => {
    const identity = await identify(req);
    const m = await load(roomId);
    if (!isHost(m, identity, hostKeyOf(req)))
      throw new SignalingError("forbidden", "only the meeting's host may do this", roomId);
    return m;
  };

  app.post<{ Body: CreateMeetingBody }>(
    "/api/meetings",
    {
      schema: { body: CreateMeetingBody, response: { 201: CreateMeetingReply, ...errors } },
      ...(o.createLimit ? { config: { rateLimit: o.createLimit } } : {}),
    },
    async (req, reply) => {
      const identity = await identify(req);
      const meeting = newMeeting({
        title: req.body.title,
        hostId: identity.userId,
        settings: req.body.settings,
        defaults: o.defaults,
        nowMs: o.clock.now(),
        ttlMs: o.meetingTtlMs,
      });
      if (!(await o.store.createMeeting(meeting)))
        throw new SignalingError("internal_error", "meeting code clash, retry");
      return reply.code(201).send({ meeting: publicMeeting(meeting), hostKey: meeting.hostKey });
    },
  );

  app.get<{ Params: MeetingParams }>(
    "/api/meetings/:roomId",
    { schema: { params: MeetingParams, response: { 200: Meeting, ...errors } } },
    async (req) => publicMeeting(await load(req.params.roomId)),
  );

  app.patch<{ Params: MeetingParams; Body: UpdateMeetingBody }>(
    "/api/meetings/:roomId",
    { schema: { params: MeetingParams, body: UpdateMeetingBody, response: { 200: Meeting, ...errors } } },
    async (req) => {
      await asHost(req, req.params.roomId);
      return publicMeeting(
        await o.rooms.updateSettings(req.params.roomId, req.body.settings ?? {}, req.body.title),
      );
    },
  );

  const end = async (req: FastifyRequest<{ Params: MeetingParams }>) => {
    await asHost(req, req.params.roomId);
    return publicMeeting(await o.rooms.end(req.params.roomId));
  };
  const endSchema = { schema: { params: MeetingParams, response: { 200: Meeting, ...errors } } };
  app.post<{ Params: MeetingParams }>("/api/meetings/:roomId/end", endSchema, end);
  app.delete<{ Params: MeetingParams }>("/api/meetings/:roomId", endSchema, end);

  app.get<{ Params: MeetingParams }>(
    "/api/meetings/:roomId/participants",
    { schema: { params: MeetingParams, response: { 200: ParticipantsReply, ...errors } } },
    async (req) => {
      const meeting = await load(req.params.roomId);
      const identity = await identify(req);
      const key = hostKeyOf(req);
      assertMayView(meeting, identity, key);
      const host = isHost(meeting, identity, key);
      const members = await o.store.listMembers(meeting.roomId);
      const lobby = members.filter((m) => m.status === "lobby");
      return {
        roomId: meeting.roomId,
        participants: members.filter((m) => m.status === "joined").map(peerInfo),
        lobby: host ? lobby.map(peerInfo) : [],
        lobbyCount: lobby.length,
      };
    },
  );

  app.get<{ Params: MeetingParams }>(
    "/api/meetings/:roomId/stats",
    { schema: { params: MeetingParams, response: { 200: MeetingStatsReply, ...errors } } },
    async (req) => {
      const meeting = await load(req.params.roomId);
      assertMayView(meeting, await identify(req), hostKeyOf(req));
      const members = await o.store.listMembers(meeting.roomId);
      const joined = members.filter((m) => m.status === "joined").length;
      return {
        roomId: meeting.roomId,
        participants: joined,
        lobby: members.length - joined,
        chatMessages: await o.store.chatCount(meeting.roomId),
        active: meeting.endedAt === undefined,
        createdAt: meeting.createdAt,
        ...(meeting.endedAt === undefined ? {} : { endedAt: meeting.endedAt }),
      };
    },
  );

  app.get<{ Querystring: MeetingsPageQuery }>(
    "/api/users/me/meetings",
    { schema: { querystring: MeetingsPageQuery, response: { 200: MeetingsPage, ...errors } } },
    async (req) => {
      const identity = await identify(req);
      if (identity.userId === undefined) throw new SignalingError("unauthorized", "a token is required");
      const page = await o.store.listMeetings(identity.userId, req.query.limit ?? 20, req.query.cursor);
      return {
        items: page.items.map(publicMeeting),
        ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
      };
    },
  );
}
