import type { RtcImplementation } from "./rtc.js";

/**
 * One DTLS certificate for every connection of a client: generated once, at construction, where the stack has
 * `RTCPeerConnection.generateCertificate` (browsers), instead of by each new connection on its first offer or
 * answer. Stacks without it (node-datachannel) make their own as before.
 */
export class SharedCertificate {
  #cert: RTCCertificate | undefined;

  constructor(rtc: RtcImplementation) {
    const Pc = rtc.RTCPeerConnection as unknown as {
      generateCertificate?: (keygen: EcKeyGenParams) => Promise<RTCCertificate>;
    };
    if (typeof Pc.generateCertificate !== "function") return;
    try {
      Pc.generateCertificate({ name: "ECDSA", namedCurve: "P-256" }).then(
        (cert) => (this.#cert = cert),
        () => undefined, // each connection makes its own
      );
    } catch {
      // a stack whose generateCertificate throws: each connection makes its own
    }
  }

  /** `certificates` for a new connection: the shared one once made and valid for another minute, else none. */
  get certificates(): RTCCertificate[] | undefined {
    const c = this.#cert;
    return c && c.expires > Date.now() + 60_000 ? [c] : undefined;
  }
}
