import type { SdpSignature } from "@switchboard/protocol";
import { SwitchboardError } from "../errors.js";
import type { SdpSigner } from "../peer/peer-link.js";
import { KeyPins } from "./key-pins.js";
import { generateKeyPair, sign, verify, type SigningKeyPair } from "./signing.js";

/**
 * The signed recipient of a join-carried offer: the newcomer does not know which peer the server hands it to, so
 * it signs it for any peer of this room (`*:` is no session id). A receiver accepts it only as the first signal
 * from a peer right after that peer's `peer.joined` in this room; the nonce (pinned per sender) stops a second use.
 */
export function joinOfferRecipient(roomId: string): string {
  return `*:${roomId}`;
}

/** Signs offers/answers with this client's key and verifies the peers' (pinning each peer's first key). */
export class SessionSigner implements SdpSigner {
  readonly pins = new KeyPins();
  readonly #keys: SigningKeyPair;
  readonly #selfId: () => string;

  private constructor(keys: SigningKeyPair, selfId: () => string) {
    this.#keys = keys;
    this.#selfId = selfId;
  }

  static async create(selfId: () => string, keys?: SigningKeyPair): Promise<SessionSigner> {
    return new SessionSigner(keys ?? (await generateKeyPair()), selfId);
  }

  get publicKey(): string {
    return this.#keys.publicKeySpki;
  }

  sign(kind: "offer" | "answer", sdp: string, to: string): Promise<SdpSignature> {
    return sign(this.#keys, { kind, sdp, from: this.#selfId(), to });
  }

  async verify(
    from: string,
    kind: "offer" | "answer",
    sdp: string,
    signature: SdpSignature | undefined,
    joinRoom?: string,
  ): Promise<void> {
    if (!signature) throw new SwitchboardError("signature_invalid", `unsigned ${kind}`, { peerId: from });
    // A join-carried offer is signed for "whoever the server picks in this room" (see joinOfferRecipient).
    const ok =
      (await verify(signature, { kind, sdp, from, to: this.#selfId() })) ||
      (joinRoom !== undefined &&
        kind === "offer" &&
        (await verify(signature, { kind, sdp, from, to: joinOfferRecipient(joinRoom) })));
    if (!ok)
      throw new SwitchboardError("signature_invalid", `${kind} signature does not verify`, { peerId: from });
    const pin = this.pins.check(from, signature.publicKey, signature.nonce);
    if (pin === "key_changed")
      throw new SwitchboardError("signature_invalid", "the peer's key changed since first seen", {
        peerId: from,
      });
    if (pin === "replayed")
      throw new SwitchboardError("signature_invalid", `replayed ${kind}`, { peerId: from });
  }
}
