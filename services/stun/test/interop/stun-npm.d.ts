/** The parts of the `stun` npm package (2.1.0, no types shipped) that the interop test and benchmark use. */
declare module "stun" {
  import type { Socket } from "node:dgram";
  import type { EventEmitter } from "node:events";

  export interface StunAddress {
    readonly address: string;
    readonly port: number;
    readonly family: "IPv4" | "IPv6";
  }

  export interface StunMessage {
    readonly type: number;
    readonly transactionId: Buffer;
    addXorAddress(address: string, port: number): void;
    addSoftware(software: string): void;
    addFingerprint(): void;
    toBuffer(): Buffer;
  }

  export interface StunResponse extends StunMessage {
    getXorAddress(): StunAddress | undefined;
    getAddress(): StunAddress | undefined;
    getSoftware(): string | undefined;
    getFingerprint(): number | undefined;
  }

  export interface StunServerHandle extends EventEmitter {
    send(message: StunMessage, port: number, address: string, cb?: () => void): void;
    listen(port: number, address: string, cb?: () => void): void;
    close(): void;
  }

  export interface RequestOptions {
    socket?: Socket;
    server?: StunServerHandle;
    message?: StunMessage;
    timeout?: number;
    maxTimeout?: number;
    retries?: number;
  }

  export function request(url: string, options?: RequestOptions): Promise<StunResponse>;
  export function createMessage(type: number, transactionId?: Buffer): StunMessage;
  export function createServer(options: { type: "udp4" | "udp6"; socket?: Socket }): StunServerHandle;
  export function decode(bytes: Buffer): StunResponse;
  export function encode(message: StunMessage): Buffer;
  export function validateFingerprint(message: StunMessage): boolean;
  export const constants: {
    readonly STUN_BINDING_REQUEST: number;
    readonly STUN_BINDING_RESPONSE: number;
    readonly STUN_EVENT_BINDING_REQUEST: string;
  };

  const stun: {
    request: typeof request;
    createMessage: typeof createMessage;
    createServer: typeof createServer;
    decode: typeof decode;
    encode: typeof encode;
    validateFingerprint: typeof validateFingerprint;
    constants: typeof constants;
  };
  export default stun;
}
