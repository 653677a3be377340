import {
  CreateMeetingBody,
  CreateMeetingReply,
  Meeting,
  MeetingParams,
  MeetingStatsReply,
  MeetingsPage,
  MeetingsPageQuery,
  ParticipantsReply,
  UpdateMeetingBody,
} from "@switchboard/protocol";
import type { RateLimitOptions } from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { publicMeeting } from "../core/meeting-factory.js";
import { peerInfo, type Rooms } from "../core/rooms.js";
import { SignalingError } from "../errors.js";
import { assertMayView, isHost } from "../state/admission.js";
import { createMeeting, type MeetingCreator } from "./create-meeting.js";
import type { MeetingAccess } from "./meeting-access.js";
import { errorResponses } from "./route-errors.js";

export interface MeetingsRoutesOptions extends MeetingCreator {
  readonly rooms: Rooms;
  readonly access: MeetingAccess;
  /** `@fastify/rate-limit` options of the creation routes (the plugin registered on `app`). */
  readonly createLimit?: RateLimitOptions | undefined;
}

const tags = ["meetings"];

/** The meetings REST API under `/api`, validated with the protocol's schemas. */
export function registerMeetingsRoutes(app: FastifyInstance, o: MeetingsRoutesOptions): void {
  const { access } = o;

  app.post<{ Body: CreateMeetingBody }>(
    "/api/meetings",
    {
      schema: {
        tags,
        summary: "Create a meeting; the caller (token `sub`, if any) is its host",
        body: CreateMeetingBody,
        response: {
          201: CreateMeetingReply,
          ...errorResponses(["unauthorized", "rate_limited"], { body: true }),
        },
      },
      ...(o.createLimit ? { config: { rateLimit: o.createLimit } } : {}),
    },
    async (req, reply) => {
      const identity = await access.identify(req);
      const meeting = await createMeeting(o, {
        title: req.body.title,
        hostId: identity.userId,
        settings: req.body.settings,
      });
      return reply.code(201).send({ meeting: publicMeeting(meeting), hostKey: meeting.hostKey });
    },
  );

  app.get<{ Params: MeetingParams }>(
    "/api/meetings/:roomId",
    {
      schema: {
        tags,
        summary: "A meeting (never its host key)",
        params: MeetingParams,
        response: { 200: Meeting, ...errorResponses(["room_not_found"]) },
      },
    },
    async (req) => publicMeeting(await access.load(req.params.roomId)),
  );

  const update = async (req: FastifyRequest<{ Params: MeetingParams; Body: UpdateMeetingBody }>) => {
    await access.asHost(req, req.params.roomId);
    return publicMeeting(
      await o.rooms.updateSettings(req.params.roomId, req.body.settings ?? {}, req.body.title),
    );
  };
  for (const method of ["patch", "put"] as const) {
    app[method]<{ Params: MeetingParams; Body: UpdateMeetingBody }>(
      "/api/meetings/:roomId",
      {
        schema: {
          tags,
          summary: "Change the title or settings (host); the room gets `room.updated`",
          params: MeetingParams,
          body: UpdateMeetingBody,
          response: {
            200: Meeting,
            ...errorResponses(["unauthorized", "room_not_found", "forbidden", "meeting_ended"], {
              body: true,
            }),
          },
        },
      },
      update,
    );
  }

  const end = async (req: FastifyRequest<{ Params: MeetingParams }>) => {
    await access.asHost(req, req.params.roomId);
    return publicMeeting(await o.rooms.end(req.params.roomId));
  };
  const endSchema = {
    schema: {
      tags,
      summary: "End the meeting (host); everyone is out, later joins get `meeting_ended`",
      params: MeetingParams,
      response: { 200: Meeting, ...errorResponses(["unauthorized", "room_not_found", "forbidden"]) },
    },
  };
  app.post<{ Params: MeetingParams }>("/api/meetings/:roomId/end", endSchema, end);
  app.delete<{ Params: MeetingParams }>("/api/meetings/:roomId", endSchema, end);

  const readerErrors = errorResponses(["unauthorized", "room_not_found", "forbidden"]);
  app.get<{ Params: MeetingParams }>(
    "/api/meetings/:roomId/participants",
    {
      schema: {
        tags,
        summary: "Participants and lobby (hosts and tokens the meeting lets straight in)",
        params: MeetingParams,
        response: { 200: ParticipantsReply, ...readerErrors },
      },
    },
    async (req) => {
      const meeting = await access.load(req.params.roomId);
      const identity = await access.identify(req);
      const key = access.hostKeyOf(req);
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
    {
      schema: {
        tags,
        summary: "Counts of participants, lobby and chat (same readers as participants)",
        params: MeetingParams,
        response: { 200: MeetingStatsReply, ...readerErrors },
      },
    },
    async (req) => {
      const meeting = await access.load(req.params.roomId);
      assertMayView(meeting, await access.identify(req), access.hostKeyOf(req));
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
    {
      schema: {
        tags,
        summary: "The caller's meetings, newest first (token required)",
        querystring: MeetingsPageQuery,
        response: { 200: MeetingsPage, ...errorResponses(["unauthorized"]) },
      },
    },
    async (req) => {
      const identity = await access.identify(req);
      if (identity.userId === undefined) throw new SignalingError("unauthorized", "a token is required");
      const page = await o.store.listMeetings(identity.userId, req.query.limit ?? 20, req.query.cursor);
      return {
        items: page.items.map(publicMeeting),
        ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
      };
    },
  );
}
