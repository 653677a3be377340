/**
 * The Binding method (RFC 8489 §7.3.1, RFC 5780 §6.1): a request in, the response's attributes (or an error
 * decision) out. Pure: it neither encodes nor touches sockets; `dispatch` does both.
 */
import {
  AttributeType,
  ErrorCode,
  StunDecodeError,
  addressAttribute,
  decodeChangeRequest,
  decodeResponsePort,
  encodePadding,
  getAttribute,
  isComprehensionRequired,
  unknownRequiredAttributes,
  xorAddressAttribute,
  type StunAttribute,
  type StunMessage,
  type TransportAddress,
} from "@switchboard/stun-codec";
import type { Transport } from "../metrics.js";
import {
  otherAddress,
  responseRole,
  roleEndpoint,
  type Endpoint,
  type ListenerLayout,
  type Role,
} from "../nat-behavior.js";

export interface BindingContext {
  readonly transport: Transport;
  /** The client's transport address as the server sees it (the mapped address). */
  readonly source: Endpoint;
  /** The listener the request arrived on. */
  readonly role: Role;
  readonly layout: ListenerLayout;
  /** SOFTWARE attribute for every response, if configured. */
  readonly software: StunAttribute | undefined;
}

export type BindingDecision =
  | {
      readonly kind: "success";
      readonly attributes: readonly StunAttribute[];
      /** Listener the response leaves from (differs from the request's with CHANGE-REQUEST). */
      readonly role: Role;
      /** Port it goes to (the source port, or RESPONSE-PORT). */
      readonly port: number;
    }
  | {
      readonly kind: "error";
      readonly code: typeof ErrorCode.BadRequest | typeof ErrorCode.UnknownAttribute;
      readonly reason: string;
      readonly unknownAttributes?: readonly number[];
    };

/** Largest PADDING put in a response: keeps an IPv4 response within a 1500-byte MTU. */
export const MAX_RESPONSE_PADDING = 1300;

/** Comprehension-required attributes a Binding request may carry here; the rest get a 420. */
const UNDERSTOOD_BASE: readonly number[] = [
  AttributeType.MappedAddress,
  AttributeType.XorMappedAddress,
  AttributeType.Username,
  AttributeType.Userhash,
  AttributeType.MessageIntegrity,
  AttributeType.MessageIntegritySha256,
  AttributeType.PasswordAlgorithm,
  AttributeType.Realm,
  AttributeType.Nonce,
  AttributeType.ErrorCode,
  AttributeType.UnknownAttributes,
  AttributeType.Priority,
  AttributeType.UseCandidate,
  AttributeType.ResponsePort,
  AttributeType.Padding,
];
const UNDERSTOOD = new Set(UNDERSTOOD_BASE);
/** With an alternate address and port, CHANGE-REQUEST is understood too (RFC 5780 §6.1). */
const UNDERSTOOD_WITH_ALTERNATE = new Set([...UNDERSTOOD_BASE, AttributeType.ChangeRequest]);

export function transportAddress(e: Endpoint): TransportAddress {
  return { family: e.address.includes(":") ? "IPv6" : "IPv4", address: e.address, port: e.port };
}

const badRequest = (reason: string): BindingDecision => ({
  kind: "error",
  code: ErrorCode.BadRequest,
  reason,
});

/** Decodes an attribute value with `decode`, turning a malformed one into a 400 decision. */
function attributeValue<T>(
  msg: StunMessage,
  type: number,
  decode: (v: Uint8Array) => T,
): T | undefined | BindingDecision {
  const attr = getAttribute(msg, type);
  if (attr === undefined) return undefined;
  try {
    return decode(attr.value);
  } catch (err) {
    if (err instanceof StunDecodeError) return badRequest(err.message);
    throw err;
  }
}

const isDecision = (v: unknown): v is BindingDecision => typeof v === "object" && v !== null && "kind" in v;

/**
 * The common request: nothing that changes where or what the response is (no CHANGE-REQUEST, RESPONSE-PORT or
 * PADDING) and nothing this server must refuse. Such a request needs none of the checks below; its response is
 * built by the same `success` as every other (a test holds the bytes identical).
 */
function isPlain(msg: StunMessage, understood: ReadonlySet<number>): boolean {
  const attrs = msg.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const t = attrs[i].type;
    if (t === AttributeType.ChangeRequest || t === AttributeType.ResponsePort || t === AttributeType.Padding)
      return false;
    if (isComprehensionRequired(t) && !understood.has(t)) return false;
  }
  return true;
}

/** Answers a Binding request (RFC 8489 §7.3.1; RFC 5780 §6.1 for CHANGE-REQUEST, RESPONSE-PORT, PADDING). */
export function handleBinding(ctx: BindingContext, msg: StunMessage): BindingDecision {
  const { layout, transport } = ctx;
  // RFC 5780 §6.1: without an alternate address and port, a CHANGE-REQUEST gets a 420.
  const understood = layout.alternate ? UNDERSTOOD_WITH_ALTERNATE : UNDERSTOOD;
  if (isPlain(msg, understood)) return success(ctx, msg, ctx.role, ctx.source.port, undefined);
  const unknown = unknownRequiredAttributes(msg, understood);
  if (unknown.length > 0) {
    return {
      kind: "error",
      code: ErrorCode.UnknownAttribute,
      reason: "Unknown Attribute",
      unknownAttributes: unknown,
    };
  }
  const change = attributeValue(msg, AttributeType.ChangeRequest, decodeChangeRequest);
  if (isDecision(change)) return change;
  const responsePort = attributeValue(msg, AttributeType.ResponsePort, decodeResponsePort);
  if (isDecision(responsePort)) return responsePort;
  const padding = getAttribute(msg, AttributeType.Padding);

  let role = ctx.role;
  let port = ctx.source.port;
  if (transport === "udp") {
    if (change !== undefined) role = responseRole(ctx.role, change);
    if (responsePort !== undefined) {
      // RFC 5780 §6.1: PADDING together with RESPONSE-PORT is a 400.
      if (padding !== undefined) return badRequest("PADDING with RESPONSE-PORT");
      if (responsePort === 0) return badRequest("RESPONSE-PORT 0");
      port = responsePort;
    }
  } else if (change !== undefined && (change.changeIp || change.changePort)) {
    // Over TCP the response can only travel on the request's connection.
    return badRequest("CHANGE-REQUEST needs UDP");
  }

  // RFC 5780 §6.1: a request with PADDING gets PADDING back (UDP; as long as the request's, so no amplification).
  const paddingSize =
    padding !== undefined && transport === "udp"
      ? Math.min(padding.value.length, MAX_RESPONSE_PADDING)
      : undefined;
  return success(ctx, msg, role, port, paddingSize);
}

/** The success decision: the response leaves from `role` to `port`, with PADDING of `paddingSize` if given. */
function success(
  ctx: BindingContext,
  msg: StunMessage,
  role: Role,
  port: number,
  paddingSize: number | undefined,
): BindingDecision {
  const { layout } = ctx;
  const mapped = transportAddress(ctx.source);
  const attributes: StunAttribute[] = [
    xorAddressAttribute(AttributeType.XorMappedAddress, mapped, msg.transactionId),
  ];
  const other = otherAddress(layout, ctx.role);
  if (other !== undefined) {
    // RFC 5780 §6.1 asks for MAPPED-ADDRESS too (NAT discovery tools may read it). Outside RFC 5780 it is left
    // out: every request decoded here has the magic cookie, so its sender reads XOR-MAPPED-ADDRESS, and a reply
    // a spoofed source can trigger stays smaller (60 bytes for a 20-byte request instead of 72).
    attributes.push(addressAttribute(AttributeType.MappedAddress, mapped));
    attributes.push(
      addressAttribute(AttributeType.ResponseOrigin, transportAddress(roleEndpoint(layout, role))),
    );
    attributes.push(addressAttribute(AttributeType.OtherAddress, transportAddress(other)));
  }
  if (ctx.software !== undefined) attributes.push(ctx.software);
  if (paddingSize !== undefined)
    attributes.push({ type: AttributeType.Padding, value: encodePadding(paddingSize) });
  return { kind: "success", attributes, role, port };
}
