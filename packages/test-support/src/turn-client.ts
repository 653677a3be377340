/**
 * A small TURN client for tests, on top of the codec: UDP or TCP, long-term credentials with the 401 dance,
 * requests with deadlines, Send/Data indications and ChannelData (RFC 5766 channel range).
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect, type Socket as TcpSocket } from "node:net";
import {
  AttributeType,
  StreamFramer,
  StunClass,
  StunMethod,
  classifyPacket,
  decodeChannelData,
  decodeErrorCode,
  decodeStunMessage,
  decodeText,
  decodeXorAddress,
  encodeChannelData,
  encodeStunMessage,
  getAttribute,
  longTermKey,
  newTransactionId,
  textAttribute,
  transactionIdToHex,
  xorAddressAttribute,
  type ChannelData,
  type ChannelRangeOptions,
  type StunAttribute,
  type StunMessage,
  type TransportAddress,
} from "@switchboard/stun-codec";

/** Channel numbers as RFC 5766 allowed them (0x4000–0x7FFF), the range the TURN service and coturn accept. */
const CHANNEL_RANGE: ChannelRangeOptions = Object.freeze({ legacyChannelRange: true });

export interface Received {
  readonly peer: TransportAddress;
  readonly data: Buffer;
  readonly channel?: number;
}

export interface ClientOptions {
  readonly transport: "udp" | "tcp";
  readonly server: { address: string; port: number };
  readonly username: string;
  readonly password: string;
}

export class TestTurnClient {
  #o: ClientOptions;
  #udp: UdpSocket | undefined;
  #tcp: TcpSocket | undefined;
  readonly #pending = new Map<string, (msg: StunMessage) => void>();
  readonly #channels = new Map<number, TransportAddress>();
  #realm = "";
  #nonce = "";
  #key: Uint8Array | undefined;
  readonly #sent = new Map<string, Uint8Array>();
  readonly received: Received[] = [];
  #waiters: Array<() => void> = [];

  constructor(opts: ClientOptions) {
    this.#o = opts;
  }

  async open(): Promise<void> {
    if (this.#o.transport === "udp") {
      const v6 = this.#o.server.address.includes(":");
      const s = createSocket(v6 ? "udp6" : "udp4");
      s.on("message", (m: Buffer) => this.#onFrame(m));
      await new Promise<void>((r) => s.bind(0, v6 ? "::1" : "127.0.0.1", () => r()));
      this.#udp = s;
    } else {
      const framer = new StreamFramer(CHANNEL_RANGE);
      const s = connect(this.#o.server.port, this.#o.server.address);
      s.on("data", (chunk: Buffer) => {
        for (const f of framer.push(chunk)) this.#onFrame(f);
      });
      s.on("error", () => {});
      await new Promise<void>((r) => s.once("connect", () => r()));
      this.#tcp = s;
    }
  }

  close(): void {
    this.#udp?.close();
    this.#tcp?.destroy();
  }

  /** Writes raw bytes to the server (fuzzing, retransmissions). */
  sendRaw(bytes: Uint8Array): void {
    if (this.#udp) this.#udp.send(bytes, this.#o.server.port, this.#o.server.address);
    else this.#tcp?.write(bytes);
  }

  #onFrame(frame: Uint8Array): void {
    if (classifyPacket(frame, CHANNEL_RANGE) === "channel-data") {
      let cd: ChannelData;
      try {
        cd = decodeChannelData(frame, CHANNEL_RANGE);
      } catch {
        return;
      }
      const peer = this.#channels.get(cd.channel);
      if (peer) this.#push({ peer, data: Buffer.from(cd.data), channel: cd.channel });
      return;
    }
    let msg: StunMessage;
    try {
      msg = decodeStunMessage(frame);
    } catch {
      return;
    }
    if (msg.cls === StunClass.Indication && msg.method === StunMethod.Data) {
      const p = getAttribute(msg, AttributeType.XorPeerAddress);
      const d = getAttribute(msg, AttributeType.Data);
      if (p && d)
        this.#push({ peer: decodeXorAddress(p.value, msg.transactionId), data: Buffer.from(d.value) });
      return;
    }
    this.#pending.get(transactionIdToHex(msg.transactionId))?.(msg);
  }

  #push(r: Received): void {
    this.received.push(r);
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** Waits until at least `count` data messages arrived. */
  async waitForData(count: number, timeoutMs = 5000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`only ${this.received.length} of ${count} data messages arrived`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received;
  }

  /** Sends a request and waits for its response (retransmitting over UDP). */
  async transact(bytes: Uint8Array, transactionId: Uint8Array, timeoutMs = 3000): Promise<StunMessage> {
    const id = transactionIdToHex(transactionId);
    return new Promise<StunMessage>((resolve, reject) => {
      const retry = this.#udp ? setInterval(() => this.sendRaw(bytes), 500) : undefined;
      const timer = setTimeout(() => {
        clearInterval(retry);
        this.#pending.delete(id);
        reject(new Error(`no response to transaction ${id}`));
      }, timeoutMs);
      this.#pending.set(id, (msg) => {
        clearTimeout(timer);
        clearInterval(retry);
        this.#pending.delete(id);
        resolve(msg);
      });
      this.sendRaw(bytes);
    });
  }

  /** An authenticated request: on 401/438 learns realm and nonce and retries once. */
  async request(
    method: number,
    attributes: StunAttribute[] | ((transactionId: Uint8Array) => StunAttribute[]) = [],
    authenticate = true,
    nonce?: string,
  ): Promise<StunMessage> {
    for (let attempt = 0; ; attempt++) {
      const tid = newTransactionId();
      const auth: StunAttribute[] =
        authenticate && this.#key
          ? [
              textAttribute(AttributeType.Username, this.#o.username),
              textAttribute(AttributeType.Realm, this.#realm),
              textAttribute(AttributeType.Nonce, nonce ?? this.#nonce),
            ]
          : [];
      const bytes = encodeStunMessage(
        {
          method,
          cls: StunClass.Request,
          transactionId: tid,
          attributes: [...(typeof attributes === "function" ? attributes(tid) : attributes), ...auth],
        },
        authenticate && this.#key
          ? { integrity: { key: this.#key }, fingerprint: true }
          : { fingerprint: true },
      );
      this.#sent.set(transactionIdToHex(tid), bytes);
      const res = await this.transact(bytes, tid);
      const code = errorCode(res);
      if (authenticate && attempt === 0 && nonce === undefined && (code === 401 || code === 438)) {
        const realm = getAttribute(res, AttributeType.Realm);
        const nonce = getAttribute(res, AttributeType.Nonce);
        if (!realm || !nonce) return res;
        this.#realm = decodeText(realm.value, AttributeType.Realm);
        this.#nonce = decodeText(nonce.value, AttributeType.Nonce);
        this.#key = longTermKey({
          username: this.#o.username,
          realm: this.#realm,
          password: this.#o.password,
          preparation: "none",
        });
        continue;
      }
      return res;
    }
  }

  /** Signs later requests as another user on the same 5-tuple (keeps realm and nonce). */
  switchUser(username: string, password: string): void {
    this.#o = { ...this.#o, username, password };
    this.#key = longTermKey({ username, realm: this.#realm, password, preparation: "none" });
  }

  /** Sends the request that got `response` again, byte for byte (a retransmission). */
  async replay(response: StunMessage): Promise<StunMessage> {
    const bytes = this.#sent.get(transactionIdToHex(response.transactionId));
    if (!bytes) throw new Error("unknown transaction");
    return this.transact(bytes, response.transactionId);
  }

  get key(): Uint8Array | undefined {
    return this.#key;
  }

  async allocate(extra: StunAttribute[] = []): Promise<StunMessage> {
    return this.request(StunMethod.Allocate, [
      { type: AttributeType.RequestedTransport, value: Uint8Array.of(17, 0, 0, 0) },
      ...extra,
    ]);
  }

  async createPermission(...peers: TransportAddress[]): Promise<StunMessage> {
    return this.request(StunMethod.CreatePermission, (tid) => peers.map((p) => xorPeer(p, tid)));
  }

  async channelBind(channel: number, peer: TransportAddress): Promise<StunMessage> {
    const res = await this.request(StunMethod.ChannelBind, (tid) => [
      { type: AttributeType.ChannelNumber, value: Uint8Array.of(channel >> 8, channel & 255, 0, 0) },
      xorPeer(peer, tid),
    ]);
    if (res.cls === StunClass.SuccessResponse) this.#channels.set(channel, peer);
    return res;
  }

  async refresh(lifetime?: number): Promise<StunMessage> {
    const attrs: StunAttribute[] =
      lifetime === undefined ? [] : [{ type: AttributeType.Lifetime, value: u32(lifetime) }];
    return this.request(StunMethod.Refresh, attrs);
  }

  sendIndication(peer: TransportAddress, data: Uint8Array): void {
    const tid = newTransactionId();
    this.sendRaw(
      encodeStunMessage({
        method: StunMethod.Send,
        cls: StunClass.Indication,
        transactionId: tid,
        attributes: [
          xorAddressAttribute(AttributeType.XorPeerAddress, peer, tid),
          { type: AttributeType.Data, value: data },
        ],
      }),
    );
  }

  sendChannelData(channel: number, data: Uint8Array): void {
    this.sendRaw(encodeChannelData(channel, data, { ...CHANNEL_RANGE, padded: this.#o.transport === "tcp" }));
  }
}

function xorPeer(peer: TransportAddress, transactionId: Uint8Array): StunAttribute {
  return xorAddressAttribute(AttributeType.XorPeerAddress, peer, transactionId);
}

export const u32 = (n: number): Uint8Array =>
  Uint8Array.of(n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255);

export function errorCode(msg: StunMessage): number | undefined {
  const a = getAttribute(msg, AttributeType.ErrorCode);
  return a === undefined ? undefined : decodeErrorCode(a.value).code;
}

export function relayedAddress(msg: StunMessage): TransportAddress {
  const a = getAttribute(msg, AttributeType.XorRelayedAddress);
  if (!a) throw new Error(`no XOR-RELAYED-ADDRESS (error ${errorCode(msg)})`);
  return decodeXorAddress(a.value, msg.transactionId);
}
