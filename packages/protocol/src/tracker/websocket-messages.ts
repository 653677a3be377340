/**
 * WebTorrent tracker messages over WebSocket (the wire format of webtorrent/bittorrent-tracker), as TypeBox
 * schemas: JSON objects with an `action`. Info-hashes and peer ids travel as 20-character binary strings
 * (each character one byte, U+0000..U+00FF).
 */
import { Type, type Static } from "@sinclair/typebox";

/** Most characters of an SDP blob accepted in an offer or answer. */
export const WS_MAX_SDP_LENGTH = 16_384;

/** A 20-byte id as a binary string (info_hash, peer_id, offer_id). */
export const WsBinaryId = Type.String({ minLength: 20, maxLength: 20, pattern: "^[\\u0000-\\u00ff]{20}$" });

const Count = Type.Union([Type.Number({ minimum: 0 }), Type.Null()]);

/** An SDP offer created by the announcing peer. */
export const WsSdpOffer = Type.Object({
  type: Type.Literal("offer"),
  sdp: Type.String({ maxLength: WS_MAX_SDP_LENGTH }),
});

/** An SDP answer to a relayed offer. */
export const WsSdpAnswer = Type.Object({
  type: Type.Literal("answer"),
  sdp: Type.String({ maxLength: WS_MAX_SDP_LENGTH }),
});

/** One offer in an announce: relayed to one other peer of the swarm. */
export const WsOffer = Type.Object({ offer: WsSdpOffer, offer_id: WsBinaryId });

/**
 * Client → tracker announce. With `offers`, the tracker relays each to a different peer; with `answer`,
 * `to_peer_id` and `offer_id`, it relays the answer back to the peer that made the offer.
 */
export const WsAnnounceMessage = Type.Object({
  action: Type.Literal("announce"),
  info_hash: WsBinaryId,
  peer_id: WsBinaryId,
  numwant: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  uploaded: Type.Optional(Count),
  downloaded: Type.Optional(Count),
  left: Type.Optional(Count),
  event: Type.Optional(
    Type.Union([Type.Literal("started"), Type.Literal("stopped"), Type.Literal("completed")]),
  ),
  offers: Type.Optional(Type.Array(WsOffer, { maxItems: 100 })),
  answer: Type.Optional(WsSdpAnswer),
  to_peer_id: Type.Optional(WsBinaryId),
  offer_id: Type.Optional(WsBinaryId),
  trackerid: Type.Optional(Type.String({ maxLength: 64 })),
});
export type WsAnnounceMessage = Static<typeof WsAnnounceMessage>;

/** Client → tracker scrape of one or several info-hashes (none: every torrent, when the tracker allows it). */
export const WsScrapeMessage = Type.Object({
  action: Type.Literal("scrape"),
  info_hash: Type.Optional(Type.Union([WsBinaryId, Type.Array(WsBinaryId, { maxItems: 1000 })])),
});
export type WsScrapeMessage = Static<typeof WsScrapeMessage>;

/** Any client → tracker message. */
export const WsClientMessage = Type.Union([WsAnnounceMessage, WsScrapeMessage]);
export type WsClientMessage = Static<typeof WsClientMessage>;

/** Tracker → client: the reply to an announce. */
export interface WsAnnounceReply {
  readonly action: "announce";
  readonly info_hash: string;
  readonly interval: number;
  readonly complete: number;
  readonly incomplete: number;
}

/** Tracker → client: an offer relayed from another peer (`peer_id` is the offering peer). */
export interface WsRelayedOffer {
  readonly action: "announce";
  readonly info_hash: string;
  readonly peer_id: string;
  readonly offer_id: string;
  readonly offer: Static<typeof WsSdpOffer>;
}

/** Tracker → client: an answer relayed back to the peer that made the offer. */
export interface WsRelayedAnswer {
  readonly action: "announce";
  readonly info_hash: string;
  readonly peer_id: string;
  readonly offer_id: string;
  readonly answer: Static<typeof WsSdpAnswer>;
}

/** Tracker → client: scrape counts keyed by binary info-hash string. */
export interface WsScrapeReply {
  readonly action: "scrape";
  readonly files: Readonly<
    Record<string, { readonly complete: number; readonly incomplete: number; readonly downloaded: number }>
  >;
}

/** Tracker → client: a refused request. */
export interface WsFailureReply {
  readonly action: "announce" | "scrape";
  readonly "failure reason": string;
  readonly info_hash?: string;
}

export type WsServerMessage =
  WsAnnounceReply | WsRelayedOffer | WsRelayedAnswer | WsScrapeReply | WsFailureReply;
