import type { SdpSignature } from "@switchboard/protocol";
import { SwitchboardError } from "../errors.js";
import type { SdpSigner } from "../peer/peer-link.js";
import { KeyPins } from "./key-pins.js";
import { generateKeyPair, sign, verify, type SigningKeyPair } from "./signing.js";

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
  ): Promise<void> {
    if (!signature) throw new SwitchboardError("signature_invalid", `unsigned ${kind}`, { peerId: from });
    const ok = await verify(signature, { kind, sdp, from, to: this.#selfId() });
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
