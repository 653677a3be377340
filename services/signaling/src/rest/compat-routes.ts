import {
  CreateMeetingCompatBody,
  CreateMeetingCompatReply,
  UserMeetingsParams,
  UserMeetingsQuery,
  UserMeetingsReply,
  type MeetingSettingsPatch,
} from "@switchboard/protocol";
import type { RateLimitOptions } from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import { publicMeeting } from "../core/meeting-factory.js";
import { SignalingError } from "../errors.js";
import { createMeeting, type MeetingCreator } from "./create-meeting.js";
import type { MeetingAccess } from "./meeting-access.js";
import { errorResponses } from "./route-errors.js";

export interface CompatRoutesOptions extends MeetingCreator {
  readonly access: MeetingAccess;
  /** `@fastify/rate-limit` options of the creation routes (the plugin registered on `app`). */
  readonly createLimit?: RateLimitOptions | undefined;
}

const tags = ["meetings (names of earlier meeting services)"];

/** `settings` of the create call: `allowedDomains` is `allowedEmailDomains` under its older name. */
function settingsOf(body: CreateMeetingCompatBody): MeetingSettingsPatch | undefined {
  if (!body.settings) return undefined;
  const { allowedDomains, ...settings } = body.settings;
  if (allowedDomains === undefined) return settings;
  if (settings.allowedEmailDomains !== undefined)
    throw new SignalingError("invalid_message", "give allowedDomains or allowedEmailDomains, not both");
  return { ...settings, allowedEmailDomains: allowedDomains };
}

/**
 * The meetings routes users of earlier meeting services know, beside ours: `POST /api/meetings/create` and
 * `GET /api/meetings/user/:userId` (`PUT /api/meetings/:roomId` is registered with `PATCH`).
 */
export function registerCompatRoutes(app: FastifyInstance, o: CompatRoutesOptions): void {
  const { access } = o;

  app.post<{ Body: CreateMeetingCompatBody }>(
    "/api/meetings/create",
    {
      schema: {
        tags,
        summary: "Create a meeting; `hostId`, if given, must be the token's `sub`",
        body: CreateMeetingCompatBody,
        response: {
          201: CreateMeetingCompatReply,
          ...errorResponses(["unauthorized", "forbidden", "rate_limited"], { body: true }),
        },
      },
      ...(o.createLimit ? { config: { rateLimit: o.createLimit } } : {}),
    },
    async (req, reply) => {
      const identity = await access.identify(req);
      const { body } = req;
      if (body.hostId !== undefined && identity.userId === undefined)
        throw new SignalingError("unauthorized", "a token whose sub is hostId is required");
      if (body.hostId !== undefined && body.hostId !== identity.userId)
        throw new SignalingError("forbidden", "hostId must be the caller's own user id");
      const meeting = await createMeeting(o, {
        title: body.title,
        hostId: identity.userId,
        settings: settingsOf(body),
        extra: {
          ...(body.description === undefined ? {} : { description: body.description }),
          ...(body.hostName === undefined ? {} : { hostName: body.hostName }),
          ...(body.scheduledAt === undefined ? {} : { scheduledAt: Date.parse(body.scheduledAt) }),
        },
      });
      return reply
        .code(201)
        .send({ success: true, meeting: publicMeeting(meeting), hostKey: meeting.hostKey });
    },
  );

  app.get<{ Params: UserMeetingsParams; Querystring: UserMeetingsQuery }>(
    "/api/meetings/user/:userId",
    {
      schema: {
        tags,
        summary: "A user's meetings, newest first (the user's own token, or an admin's: role claim `admin`)",
        params: UserMeetingsParams,
        querystring: UserMeetingsQuery,
        response: { 200: UserMeetingsReply, ...errorResponses(["unauthorized", "forbidden"]) },
      },
    },
    async (req) => {
      const identity = await access.identify(req);
      if (identity.userId === undefined) throw new SignalingError("unauthorized", "a token is required");
      if (identity.userId !== req.params.userId && identity.admin !== true)
        throw new SignalingError("forbidden", "only the user themself or an admin may list these meetings");
      const limit = req.query.limit ?? 20;
      const skip = req.query.skip ?? 0;
      const page = await o.store.listMeetings(req.params.userId, limit, String(skip), req.query.status);
      return {
        success: true,
        meetings: page.items.map(publicMeeting),
        hasMore: page.nextCursor !== undefined,
      } as const;
    },
  );
}
