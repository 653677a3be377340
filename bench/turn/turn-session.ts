/**
 * A lean TURN client session for the load generator: one UDP socket, Allocate with the 401 dance, ChannelBind,
 * and ChannelData sends. Built on @switchboard/stun-codec; no retransmission logic beyond a simple retry.
 */
import { createSocket, type Socket } from "node:dgram";
import {
  AttributeType,
  StunClass,
  StunMethod,
  decodeErrorCode,
  decodeStunMessage,
  decodeText,
  decodeXorAddress,
  encodeStunMessage,
  getAttribute,
  longTermKey,
  newTransactionId,
  textAttribute,
  transactionIdToHex,
  xorAddressAttribute,
  type StunAttribute,
  type StunMessage,
  type TransportAddress,
} from "@switchboard/stun-codec";

export interface SessionOptions {
  readonly server: { address: string; port: number };
  readonly username: string;
  readonly password: string;
}

export class TurnSession {
  readonly socket: Socket;
  readonly #o: SessionOptions;
  readonly #pending = new Map<string, (m: StunMessage) => void>();
  #realm = "";
  #nonce = "";
  #key: Uint8Array | undefined;
  relay: TransportAddress | undefined;
  /** Called for every ChannelData frame (the hot path). */
  onChannelData: (frame: Buffer) => void = () => {};

  constructor(opts: SessionOptions) {
    this.#o = opts;
    this.socket = createSocket("udp4");
    this.socket.on("message", (m: Buffer) => {
      const b = m[0] ?? 0;
      if (b >= 0x40 && b <= 0x7f) return this.onChannelData(m);
      try {
        const msg = decodeStunMessage(m);
        this.#pending.get(transactionIdToHex(msg.transactionId))?.(msg);
      } catch {
        // not for us
      }
    });
  }

  async open(): Promise<void> {
    await new Promise<void>((r) => this.socket.bind(0, "127.0.0.1", () => r()));
    this.socket.setRecvBufferSize(1 << 21);
    this.socket.setSendBufferSize(1 << 21);
  }

  #transact(bytes: Uint8Array, tid: Uint8Array): Promise<StunMessage> {
    const id = transactionIdToHex(tid);
    return new Promise((resolve, reject) => {
      let tries = 0;
      const send = () => this.socket.send(bytes, this.#o.server.port, this.#o.server.address);
      const retry = setInterval(() => {
        if (++tries > 6) {
          clearInterval(retry);
          this.#pending.delete(id);
          reject(new Error("TURN request timed out"));
        } else send();
      }, 500);
      this.#pending.set(id, (m) => {
        clearInterval(retry);
        this.#pending.delete(id);
        resolve(m);
      });
      send();
    });
  }

  async request(method: number, attrs: (tid: Uint8Array) => StunAttribute[]): Promise<StunMessage> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const tid = newTransactionId();
      const auth = this.#key
        ? [
            textAttribute(AttributeType.Username, this.#o.username),
            textAttribute(AttributeType.Realm, this.#realm),
            textAttribute(AttributeType.Nonce, this.#nonce),
          ]
        : [];
      const bytes = encodeStunMessage(
        { method, cls: StunClass.Request, transactionId: tid, attributes: [...attrs(tid), ...auth] },
        this.#key ? { integrity: { key: this.#key }, fingerprint: true } : {},
      );
      const res = await this.#transact(bytes, tid);
      const err = getAttribute(res, AttributeType.ErrorCode);
      const code = err ? decodeErrorCode(err.value).code : undefined;
      if ((code === 401 || code === 438) && attempt === 0) {
        const realm = getAttribute(res, AttributeType.Realm);
        const nonce = getAttribute(res, AttributeType.Nonce);
        if (!realm || !nonce) break;
        this.#realm = decodeText(realm.value, AttributeType.Realm);
        this.#nonce = decodeText(nonce.value, AttributeType.Nonce);
        const { username, password } = this.#o;
        this.#key = longTermKey({ username, realm: this.#realm, password, preparation: "none" });
        continue;
      }
      if (code !== undefined) throw new Error(`TURN error ${code}`);
      return res;
    }
    throw new Error("TURN authentication failed");
  }

  async allocate(): Promise<TransportAddress> {
    const res = await this.request(StunMethod.Allocate, () => [
      { type: AttributeType.RequestedTransport, value: Uint8Array.of(17, 0, 0, 0) },
    ]);
    const a = getAttribute(res, AttributeType.XorRelayedAddress);
    if (!a) throw new Error("no relayed address");
    this.relay = decodeXorAddress(a.value, res.transactionId);
    return this.relay;
  }

  async channelBind(channel: number, peer: TransportAddress): Promise<void> {
    await this.request(StunMethod.ChannelBind, (tid) => [
      { type: AttributeType.ChannelNumber, value: Uint8Array.of(channel >> 8, channel & 255, 0, 0) },
      xorAddressAttribute(AttributeType.XorPeerAddress, peer, tid),
    ]);
  }

  /**
   * A Send indication (RFC 8656 §11.3) carrying `data` to `peer`, encoded once and sent as is for every packet
   * (indications carry no integrity, and servers do not track their transaction ids).
   */
  sendIndication(peer: TransportAddress, data: Uint8Array): Uint8Array {
    const tid = newTransactionId();
    return encodeStunMessage({
      method: StunMethod.Send,
      cls: StunClass.Indication,
      transactionId: tid,
      attributes: [
        xorAddressAttribute(AttributeType.XorPeerAddress, peer, tid),
        { type: AttributeType.Data, value: data },
      ],
    });
  }

  send(frame: Uint8Array): void {
    this.socket.send(frame, this.#o.server.port, this.#o.server.address);
  }

  close(): void {
    this.socket.close();
  }
}
