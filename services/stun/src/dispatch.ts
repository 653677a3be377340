/**
 * Dispatch: every inbound datagram or stream frame becomes one Outcome. Undecodable input, responses and
 * messages with a bad FINGERPRINT are dropped silently; requests pass the per-source amplification guard,
 * then go to their method's handler; decisions are encoded with FINGERPRINT (successes with SOFTWARE when
 * configured; errors stay minimal). A reply leaves only if its bytes fit the source's byte budget too.
 */
import {
  AttributeType,
  ErrorCode,
  HEADER_LENGTH,
  StunClass,
  StunDecodeError,
  StunMethod,
  classOf,
  decodeStunMessage,
  encodeStunMessage,
  errorCodeAttribute,
  getAttribute,
  methodOf,
  textAttribute,
  unknownAttributesAttribute,
  verifyFingerprint,
  type StunAttribute,
} from "@switchboard/stun-codec";
import {
  KeyedRateLimiter,
  type Clock,
  type KeyedRateLimiterOptions,
  type Logger,
} from "@switchboard/runtime";
import { handleBinding, type BindingDecision } from "./handlers/binding.js";
import type { HandleInbound, Inbound, Outcome } from "./inbound.js";
import type { ListenerLayout } from "./nat-behavior.js";

export interface DispatcherOptions {
  layout: ListenerLayout;
  /** SOFTWARE value; empty leaves the attribute out. */
  software: string;
  /** Per-source-address token buckets of requests; undefined turns the guard off. */
  rateLimit: KeyedRateLimiterOptions | undefined;
  /** Per-source-address token buckets of reply bytes (the amplification bound); undefined turns it off. */
  replyBytes?: KeyedRateLimiterOptions | undefined;
  clock: Clock;
  logger: Logger;
}

const DROPPED: Outcome = Object.freeze({ result: "dropped" });
const RATE_LIMITED: Outcome = Object.freeze({ result: "rate_limited" });
const INDICATION: Outcome = Object.freeze({ result: "indication" });

/** Decode errors after a sound header: the request can still be answered with a 400 (RFC 8489 §6.3.1.1). */
const ANSWERABLE = new Set(["STUN_ERR_ATTRIBUTE_OVERRUN", "STUN_ERR_BAD_ATTRIBUTE"]);

/** Builds the function transports call for every message. It never throws. */
export function createDispatcher(opts: DispatcherOptions): HandleInbound {
  const { layout, logger } = opts;
  const software: StunAttribute | undefined =
    opts.software === "" ? undefined : textAttribute(AttributeType.Software, opts.software);
  const limiter = opts.rateLimit ? new KeyedRateLimiter(opts.rateLimit, opts.clock) : undefined;
  const byteBudget = opts.replyBytes ? new KeyedRateLimiter(opts.replyBytes, opts.clock) : undefined;
  /** The outcome as is if its reply fits the source's byte budget, else rate_limited (no reply). */
  const withinBudget = (inbound: Inbound, outcome: Outcome): Outcome =>
    outcome.reply === undefined ||
    byteBudget === undefined ||
    byteBudget.allow(inbound.source.address, outcome.reply.bytes.length)
      ? outcome
      : RATE_LIMITED;

  const errorReply = (
    inbound: Inbound,
    method: number,
    transactionId: Uint8Array,
    decision: Extract<BindingDecision, { kind: "error" }>,
  ): Outcome => {
    const attributes = [errorCodeAttribute(decision.code, decision.reason)];
    if (decision.unknownAttributes) attributes.push(unknownAttributesAttribute(decision.unknownAttributes));
    const bytes = encodeStunMessage(
      { method, cls: StunClass.ErrorResponse, transactionId, attributes },
      { fingerprint: true },
    );
    return withinBudget(inbound, {
      result: decision.code === ErrorCode.UnknownAttribute ? "unknown_attribute" : "bad_request",
      reply: { bytes, role: inbound.role, port: inbound.source.port },
    });
  };

  const allowed = (inbound: Inbound): boolean =>
    limiter === undefined || limiter.allow(inbound.source.address);

  /** A request whose header is sound but whose attributes are not: 400 if it is a request, else drop. */
  const undecodable = (inbound: Inbound, err: StunDecodeError): Outcome => {
    const data = inbound.data;
    if (!ANSWERABLE.has(err.code) || data.length < HEADER_LENGTH) return DROPPED;
    const type = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
    if (classOf(type) !== StunClass.Request) return DROPPED;
    if (!allowed(inbound)) return RATE_LIMITED;
    const transactionId = data.slice(8, HEADER_LENGTH);
    return errorReply(inbound, methodOf(type), transactionId, {
      kind: "error",
      code: ErrorCode.BadRequest,
      reason: err.message,
    });
  };

  const dispatch = (inbound: Inbound): Outcome => {
    let msg;
    try {
      msg = decodeStunMessage(inbound.data);
    } catch (err) {
      if (err instanceof StunDecodeError) return undecodable(inbound, err);
      throw err;
    }
    // RFC 8489 §7.3: a FINGERPRINT that does not match means "not STUN" (it may be another protocol).
    if (getAttribute(msg, AttributeType.Fingerprint) !== undefined && !verifyFingerprint(msg)) return DROPPED;
    if (msg.cls === StunClass.Indication) return msg.method === StunMethod.Binding ? INDICATION : DROPPED;
    if (msg.cls !== StunClass.Request) return DROPPED;
    if (!allowed(inbound)) return RATE_LIMITED;
    if (msg.method !== StunMethod.Binding) {
      return errorReply(inbound, msg.method, msg.transactionId, {
        kind: "error",
        code: ErrorCode.BadRequest,
        reason: "Unsupported method",
      });
    }
    const decision = handleBinding(
      { transport: inbound.transport, source: inbound.source, role: inbound.role, layout, software },
      msg,
    );
    if (decision.kind === "error") return errorReply(inbound, msg.method, msg.transactionId, decision);
    const bytes = encodeStunMessage(
      {
        method: StunMethod.Binding,
        cls: StunClass.SuccessResponse,
        transactionId: msg.transactionId,
        attributes: decision.attributes,
      },
      { fingerprint: true },
    );
    return withinBudget(inbound, {
      result: "success",
      reply: { bytes, role: decision.role, port: decision.port },
    });
  };

  return (inbound) => {
    try {
      return dispatch(inbound);
    } catch (err) {
      // A bug, not the client's fault: never let it take the listener down.
      logger.warn({ err, transport: inbound.transport }, "stun message handling failed");
      return DROPPED;
    }
  };
}
