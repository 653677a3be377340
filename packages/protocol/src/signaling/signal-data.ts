import { Type, type Static } from "@sinclair/typebox";

/**
 * Optional end-to-end signature of an offer or answer: ECDSA P-256 made and verified by the clients over the
 * SDP, its kind, the sender's and the receiver's session ids and a fresh nonce (so a recorded offer cannot be
 * replayed into another session). The server relays it untouched and never checks it.
 */
export const SdpSignature = Type.Object(
  {
    alg: Type.Literal("ES256"),
    /** The signer's public key: base64url SPKI or a JWK JSON string. */
    publicKey: Type.String({ minLength: 1, maxLength: 1024 }),
    /** base64url signature (IEEE P1363, 64 bytes) over the signed payload (see the client's `signaturePayload`). */
    signature: Type.String({ minLength: 1, maxLength: 256 }),
    /** A fresh random value per signature, base64url; part of the signed payload. */
    nonce: Type.String({ minLength: 16, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" }),
  },
  { additionalProperties: false },
);
export type SdpSignature = Static<typeof SdpSignature>;

const Sdp = Type.String({ minLength: 1, maxLength: 32_768 });

/** An SDP offer; `iceRestart` marks an offer made with `{iceRestart: true}`. */
export const OfferData = Type.Object(
  {
    kind: Type.Literal("offer"),
    sdp: Sdp,
    iceRestart: Type.Optional(Type.Boolean()),
    signature: Type.Optional(SdpSignature),
  },
  { additionalProperties: false },
);

/** An SDP answer. */
export const AnswerData = Type.Object(
  { kind: Type.Literal("answer"), sdp: Sdp, signature: Type.Optional(SdpSignature) },
  { additionalProperties: false },
);

/** A trickled ICE candidate (`RTCIceCandidateInit`); `null` means end of candidates. */
export const CandidateData = Type.Object(
  {
    kind: Type.Literal("candidate"),
    candidate: Type.Union([
      Type.Object(
        {
          candidate: Type.String({ maxLength: 1024 }),
          sdpMid: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
          sdpMLineIndex: Type.Optional(
            Type.Union([Type.Integer({ minimum: 0, maximum: 1024 }), Type.Null()]),
          ),
          usernameFragment: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);

/** A request that the other side restart ICE (it answers with an offer carrying `iceRestart`). */
export const IceRestartData = Type.Object(
  { kind: Type.Literal("ice-restart") },
  { additionalProperties: false },
);

/** The payload of a `signal`: relayed from one peer to one other peer, never inspected beyond this shape. */
export const SignalData = Type.Union([OfferData, AnswerData, CandidateData, IceRestartData]);
export type SignalData = Static<typeof SignalData>;
