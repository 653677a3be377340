/**
 * One UDP socket that sends STUN Binding requests and matches the answers by transaction id, retransmitting as
 * RFC 8489 §6.2.1 (RFC 5389 §7.2.1) says with a shorter schedule (see {@link retransmitSchedule}). Also notices
 * Binding requests that arrive on it (the hairpinning test sends one to its own public address).
 */
import { createSocket, type Socket } from "node:dgram";
import {
  AttributeType,
  StunClass,
  StunMethod,
  decodeAddress,
  decodeErrorCode,
  decodeStunMessage,
  decodeXorAddress,
  encodeChangeRequest,
  encodeStunMessage,
  getAttribute,
  hasAttribute,
  newTransactionId,
  transactionIdToHex,
  verifyFingerprint,
  type StunAttribute,
  type StunMessage,
} from "@switchboard/stun-codec";
import type { Endpoint } from "./nat-info.js";

export interface RetransmitOptions {
  /** First retransmission timeout; doubled after each send (RFC 8489 RTO; default 250 ms). */
  readonly rtoMs?: number;
  /** Requests sent in all (RFC 8489 Rc; default 4). */
  readonly requests?: number;
  /** Wait after the last request, as a multiple of the RTO (RFC 8489 Rm; default 4). */
  readonly lastWaitFactor?: number;
}

/** Send offsets (ms from the first send) and the moment the transaction gives up. */
export function retransmitSchedule(o: RetransmitOptions = {}): { sends: number[]; giveUpAt: number } {
  const rto = o.rtoMs ?? 250;
  const count = Math.max(1, o.requests ?? 4);
  const sends: number[] = [];
  let at = 0;
  let wait = rto;
  for (let i = 0; i < count; i++) {
    sends.push(at);
    if (i < count - 1) {
      at += wait;
      wait *= 2;
    }
  }
  return { sends, giveUpAt: at + rto * (o.lastWaitFactor ?? 4) };
}

export interface BindingResponse {
  /** Where the answer came from (the socket's view). */
  readonly from: Endpoint;
  readonly mapped?: Endpoint;
  readonly otherAddress?: Endpoint;
  readonly responseOrigin?: Endpoint;
  /** Set on an error response (420 when the server does not know CHANGE-REQUEST). */
  readonly errorCode?: number;
}

export interface BindingRequest {
  readonly to: Endpoint;
  readonly changeIp?: boolean;
  readonly changePort?: boolean;
}

interface Pending {
  resolve(r: BindingResponse | null): void;
}

const toEndpoint = (a: { address: string; port: number }): Endpoint => ({ address: a.address, port: a.port });

export class StunSocket {
  readonly #socket: Socket;
  readonly #pending = new Map<string, Pending>();
  /** Transaction ids of requests we expect to arrive on this socket, and who waits for them. */
  readonly #awaitedRequests = new Map<string, (arrived: boolean) => void>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("message", (data, rinfo) => this.#receive(data, toEndpoint(rinfo)));
    // Unconnected UDP sockets get no ICMP errors; any other error only means this probe gets no answer.
    socket.on("error", () => undefined);
  }

  static async open(family: 4 | 6, bindAddress?: string): Promise<StunSocket> {
    const socket = createSocket(family === 6 ? "udp6" : "udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, bindAddress, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    return new StunSocket(socket);
  }

  get local(): Endpoint {
    return toEndpoint(this.#socket.address());
  }

  /** Sends a Binding request with retransmissions; resolves null when no answer came in time. */
  binding(req: BindingRequest, retransmit: RetransmitOptions = {}): Promise<BindingResponse | null> {
    const transactionId = newTransactionId();
    const attributes: StunAttribute[] = [];
    if (req.changeIp === true || req.changePort === true) {
      attributes.push({
        type: AttributeType.ChangeRequest,
        value: encodeChangeRequest({ changeIp: req.changeIp === true, changePort: req.changePort === true }),
      });
    }
    const bytes = encodeStunMessage(
      { method: StunMethod.Binding, cls: StunClass.Request, transactionId, attributes },
      { fingerprint: true },
    );
    const key = transactionIdToHex(transactionId);
    const { sends, giveUpAt } = retransmitSchedule(retransmit);
    return new Promise<BindingResponse | null>((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      const finish = (r: BindingResponse | null): void => {
        for (const t of timers) {
          clearTimeout(t);
          this.#timers.delete(t);
        }
        this.#pending.delete(key);
        resolve(r);
      };
      this.#pending.set(key, { resolve: finish });
      for (const at of sends) timers.push(this.#after(at, () => this.#send(bytes, req.to)));
      timers.push(this.#after(giveUpAt, () => finish(null)));
    });
  }

  /**
   * Sends a Binding request to `to` (our own public address, for the hairpinning test) and resolves true when
   * that request arrives back on this socket, false when it does not within the retransmission schedule.
   */
  hairpin(to: Endpoint, retransmit: RetransmitOptions = {}): Promise<boolean> {
    const transactionId = newTransactionId();
    const bytes = encodeStunMessage(
      { method: StunMethod.Binding, cls: StunClass.Request, transactionId, attributes: [] },
      { fingerprint: true },
    );
    const key = transactionIdToHex(transactionId);
    const { sends, giveUpAt } = retransmitSchedule(retransmit);
    return new Promise<boolean>((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      const finish = (ok: boolean): void => {
        for (const t of timers) {
          clearTimeout(t);
          this.#timers.delete(t);
        }
        this.#awaitedRequests.delete(key);
        resolve(ok);
      };
      this.#awaitedRequests.set(key, finish);
      for (const at of sends) timers.push(this.#after(at, () => this.#send(bytes, to)));
      timers.push(this.#after(giveUpAt, () => finish(false)));
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const p of [...this.#pending.values()]) p.resolve(null);
    for (const finish of [...this.#awaitedRequests.values()]) finish(false);
    this.#socket.close();
  }

  #after(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
    return t;
  }

  #send(bytes: Uint8Array, to: Endpoint): void {
    if (this.#closed) return;
    this.#socket.send(bytes, to.port, to.address, () => undefined);
  }

  #receive(data: Buffer, from: Endpoint): void {
    let msg: StunMessage;
    try {
      msg = decodeStunMessage(data);
    } catch {
      return; // not STUN: silently dropped
    }
    if (msg.method !== StunMethod.Binding) return;
    if (hasAttribute(msg, AttributeType.Fingerprint) && !verifyFingerprint(msg)) return;
    const key = transactionIdToHex(msg.transactionId);
    if (msg.cls === StunClass.Request) {
      this.#awaitedRequests.get(key)?.(true);
      return;
    }
    const pending = this.#pending.get(key);
    if (pending === undefined) return;
    const response = readResponse(msg, from);
    if (response !== undefined) pending.resolve(response);
  }
}

/** The parts of a Binding response the tests use; undefined when it is malformed (ignored, as if lost). */
function readResponse(msg: StunMessage, from: Endpoint): BindingResponse | undefined {
  try {
    if (msg.cls === StunClass.ErrorResponse) {
      const err = getAttribute(msg, AttributeType.ErrorCode);
      return { from, errorCode: err ? decodeErrorCode(err.value).code : 0 };
    }
    if (msg.cls !== StunClass.SuccessResponse) return undefined;
    const xor = getAttribute(msg, AttributeType.XorMappedAddress);
    const plain = getAttribute(msg, AttributeType.MappedAddress);
    const mapped = xor
      ? decodeXorAddress(xor.value, msg.transactionId, xor.type)
      : plain
        ? decodeAddress(plain.value, plain.type)
        : undefined;
    if (mapped === undefined) return undefined;
    const other = getAttribute(msg, AttributeType.OtherAddress);
    const origin = getAttribute(msg, AttributeType.ResponseOrigin);
    return {
      from,
      mapped: toEndpoint(mapped),
      ...(other && { otherAddress: toEndpoint(decodeAddress(other.value, other.type)) }),
      ...(origin && { responseOrigin: toEndpoint(decodeAddress(origin.value, origin.type)) }),
    };
  } catch {
    return undefined;
  }
}
