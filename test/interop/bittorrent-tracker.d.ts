/** The parts of bittorrent-tracker's client (it ships no types) that the interop tests use. */
declare module "bittorrent-tracker" {
  import { EventEmitter } from "node:events";

  export interface TrackerResponse {
    readonly announce: string;
    readonly complete: number;
    readonly incomplete: number;
    readonly downloaded?: number;
  }

  /** A WebRTC peer (simple-peer) for WebSocket trackers. */
  export interface WebRtcPeer extends EventEmitter {
    send(data: string | Uint8Array): void;
    destroy(): void;
  }

  export interface ClientOptions {
    infoHash: string | Uint8Array;
    peerId: string | Uint8Array;
    announce: string[];
    port: number;
    getAnnounceOpts?: () => Record<string, number | string>;
    /** RTCPeerConnection configuration of the WebRTC peers (WebSocket trackers). */
    rtcConfig?: { iceServers: Array<{ urls: string | string[] }> };
  }

  export default class Client extends EventEmitter {
    constructor(opts: ClientOptions);
    start(opts?: Record<string, number | string>): void;
    stop(opts?: Record<string, number | string>): void;
    complete(opts?: Record<string, number | string>): void;
    update(opts?: Record<string, number | string>): void;
    scrape(opts?: Record<string, number | string>): void;
    destroy(cb?: (err?: Error) => void): void;
    on(event: "update" | "scrape", fn: (data: TrackerResponse) => void): this;
    on(event: "peer", fn: (peer: string | WebRtcPeer) => void): this;
    on(event: "warning" | "error", fn: (err: Error) => void): this;
  }
}
