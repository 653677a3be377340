/**
 * Dispatch (transport → dispatch → handlers → state): classifies each frame from a client, decodes STUN,
 * authenticates, looks the method up in one table, and encodes the handler's answer or error. Undecodable input
 * gets no reply; handlers never write to sockets. Answers to requests without valid credentials are what a
 * spoofed source can reflect: they carry no SOFTWARE and leave only within the source's count and byte budgets.
 */
import {
  AttributeType,
  StunClass,
  StunDecodeError,
  StunMethod,
  classifyPacket,
  decodeStunMessage,
  encodeStunMessage,
  errorCodeAttribute,
  getAttribute,
  methodName,
  textAttribute,
  unknownAttributesAttribute,
  unknownRequiredAttributes,
  verifyFingerprint,
  type StunAttribute,
  type StunMessage,
} from "@switchboard/stun-codec";
import type { KeyedRateLimiter } from "@switchboard/runtime";
import type { Authenticator } from "./auth/authenticate.js";
import { CHANNEL_RANGE } from "./channel-range.js";
import type { DataPlane } from "./data-plane.js";
import { StunErrorReply } from "./errors.js";
import { handleAllocate } from "./handlers/allocate.js";
import { handleBinding } from "./handlers/binding.js";
import { handleChannelBind } from "./handlers/channel-bind.js";
import type { HandlerContext, HandlerResult, Identity, RequestHandler } from "./handlers/context.js";
import { handleCreatePermission } from "./handlers/create-permission.js";
import { handleRefresh } from "./handlers/refresh.js";
import type { ClientLink } from "./state/types.js";
import type { PacketHandler } from "./transport/packet-handler.js";

/** One handler per request method. */
export const REQUEST_HANDLERS: ReadonlyMap<number, RequestHandler> = new Map([
  [StunMethod.Binding, handleBinding],
  [StunMethod.Allocate, handleAllocate],
  [StunMethod.Refresh, handleRefresh],
  [StunMethod.CreatePermission, handleCreatePermission],
  [StunMethod.ChannelBind, handleChannelBind],
]);

/** Comprehension-required attributes this server understands (others get 420 in requests). */
export const UNDERSTOOD_ATTRIBUTES: ReadonlySet<number> = new Set([
  AttributeType.Username,
  AttributeType.MessageIntegrity,
  AttributeType.ErrorCode,
  AttributeType.UnknownAttributes,
  AttributeType.ChannelNumber,
  AttributeType.Lifetime,
  AttributeType.XorPeerAddress,
  AttributeType.Data,
  AttributeType.Realm,
  AttributeType.Nonce,
  AttributeType.RequestedAddressFamily,
  AttributeType.EvenPort,
  AttributeType.RequestedTransport,
  AttributeType.ReservationToken,
  AttributeType.XorMappedAddress,
  AttributeType.Priority,
  AttributeType.UseCandidate,
]);

/** Send indications may carry DONT-FRAGMENT; it is ignored there (the relay cannot set DF). */
const UNDERSTOOD_IN_SEND: ReadonlySet<number> = new Set([
  ...UNDERSTOOD_ATTRIBUTES,
  AttributeType.DontFragment,
]);

export interface DispatcherOptions {
  readonly ctx: HandlerContext;
  /** Answers to requests without valid credentials, per source IP (bounds reflection); undefined = unlimited. */
  readonly unauthenticatedLimiter?: KeyedRateLimiter;
  /** Bytes of those answers per source IP (cost = reply length); undefined = unlimited. */
  readonly unauthenticatedBytes?: KeyedRateLimiter;
  readonly auth: Authenticator;
  readonly dataPlane: DataPlane;
  /** SOFTWARE attribute value, or undefined to send none. */
  readonly software: string | undefined;
  readonly onClosed: (link: ClientLink) => void;
}

export class Dispatcher implements PacketHandler {
  readonly #o: DispatcherOptions;

  constructor(opts: DispatcherOptions) {
    this.#o = opts;
  }

  onPacket(link: ClientLink, data: Uint8Array): void {
    // RFC 7983 demux: 0-3 STUN, 0x40-0x7F ChannelData (RFC 5766 range); anything else is not for this server.
    const kind = classifyPacket(data, CHANNEL_RANGE);
    if (kind === "channel-data") this.#o.dataPlane.fromClientChannel(link, data);
    else if (kind === "stun") this.#onStun(link, data);
    else this.#o.ctx.metrics.dropped.inc({ reason: "malformed" });
  }

  onClose(link: ClientLink): void {
    this.#o.onClosed(link);
  }

  #onStun(link: ClientLink, data: Uint8Array): void {
    let msg: StunMessage;
    try {
      msg = decodeStunMessage(data);
    } catch (err) {
      if (!(err instanceof StunDecodeError)) throw err;
      this.#o.ctx.metrics.dropped.inc({ reason: "malformed" });
      return;
    }
    if (getAttribute(msg, AttributeType.Fingerprint) !== undefined && !verifyFingerprint(msg)) {
      this.#o.ctx.metrics.dropped.inc({ reason: "malformed" });
      return;
    }
    if (msg.cls === StunClass.Indication) {
      if (msg.method === StunMethod.Send && unknownRequiredAttributes(msg, UNDERSTOOD_IN_SEND).length === 0) {
        this.#o.dataPlane.fromClientSend(link, msg);
      } else this.#o.ctx.metrics.dropped.inc({ reason: "malformed" });
      return;
    }
    if (msg.cls !== StunClass.Request) return;
    this.#onRequest(link, msg).catch((err: unknown) =>
      this.#o.ctx.logger.error({ err, fiveTuple: link.key }, "request could not be answered"),
    );
  }

  async #onRequest(link: ClientLink, msg: StunMessage): Promise<void> {
    const { ctx, auth } = this.#o;
    const method = methodName(msg.method);
    let identity: Identity | undefined;
    let reply: Uint8Array | undefined;
    let result = "success";
    try {
      const handler = REQUEST_HANDLERS.get(msg.method);
      if (handler === undefined) throw new StunErrorReply("BAD_REQUEST", "unknown method");
      if (msg.method !== StunMethod.Binding) {
        const outcome = auth.authenticate(msg, link.key);
        if (!outcome.ok) {
          if (outcome.reason !== "missing") ctx.metrics.authFailures.inc({ reason: outcome.reason });
          throw outcome.error;
        }
        identity = outcome.identity;
        link.authenticated?.();
      }
      const unknown = unknownRequiredAttributes(msg, UNDERSTOOD_ATTRIBUTES);
      if (unknown.length > 0) throw new StunErrorReply("UNKNOWN_ATTRIBUTE", undefined, unknown);
      const answer: HandlerResult = await handler(ctx, { link, msg, identity });
      if ("drop" in answer) result = "dropped";
      else if ("raw" in answer) reply = answer.raw;
      else {
        reply = this.#encode(msg, StunClass.SuccessResponse, answer.attributes, identity);
        answer.remember?.(reply);
      }
    } catch (err) {
      const error = err instanceof StunErrorReply ? err : new StunErrorReply("SERVER_ERROR");
      if (!(err instanceof StunErrorReply)) ctx.logger.error({ err, method }, "request handler failed");
      result = String(error.code);
      ctx.logger.debug({ method, fiveTuple: link.key, error: error.message }, "request refused");
      reply = this.#encode(msg, StunClass.ErrorResponse, this.#errorAttributes(error, link), identity);
    }
    ctx.metrics.requests.inc({ method, result });
    if (reply === undefined) return;
    if (
      identity === undefined &&
      (this.#o.unauthenticatedLimiter?.allow(link.remote.address) === false ||
        this.#o.unauthenticatedBytes?.allow(link.remote.address, reply.length) === false)
    ) {
      ctx.metrics.dropped.inc({ reason: "rate_limited" });
      return;
    }
    link.send([reply]);
  }

  #errorAttributes(error: StunErrorReply, link: ClientLink): StunAttribute[] {
    const attrs: StunAttribute[] = [errorCodeAttribute(error.code, error.reason)];
    if (error.unknownAttributes.length > 0) attrs.push(unknownAttributesAttribute(error.unknownAttributes));
    if (error.code === 401 || error.code === 438) {
      attrs.push(textAttribute(AttributeType.Realm, this.#o.auth.realm));
      attrs.push(textAttribute(AttributeType.Nonce, this.#o.auth.nonce(link.key)));
    }
    return attrs;
  }

  #encode(
    msg: StunMessage,
    cls: StunClass,
    attributes: readonly StunAttribute[],
    identity: Identity | undefined,
  ): Uint8Array {
    // SOFTWARE only to authenticated clients: a reply anyone can trigger stays minimal.
    const all =
      this.#o.software === undefined || identity === undefined
        ? attributes
        : [...attributes, textAttribute(AttributeType.Software, this.#o.software)];
    return encodeStunMessage(
      { method: msg.method, cls, transactionId: msg.transactionId, attributes: all },
      identity === undefined
        ? { fingerprint: true }
        : { integrity: { key: identity.key }, fingerprint: true },
    );
  }
}
