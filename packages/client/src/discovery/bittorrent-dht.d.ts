// The part of bittorrent-dht 11 (an untyped ES module) that dht-wire.ts uses.
declare module "bittorrent-dht" {
  import { EventEmitter } from "node:events";

  export interface DHTOptions {
    /** Bootstrap nodes as "host:port" (false: none, for a private bootstrap node itself). */
    bootstrap?: string[] | false;
    host?: string | false;
    maxPeers?: number;
    maxTables?: number;
  }

  export default class DHT extends EventEmitter {
    constructor(opts?: DHTOptions);
    readonly ready: boolean;
    readonly destroyed: boolean;
    readonly nodes: { count(): number; toArray(): unknown[] };
    listen(port?: number, address?: string, onListening?: () => void): void;
    address(): { address: string; family: string; port: number };
    announce(infoHash: Uint8Array | string, port: number, cb?: (err: Error | null) => void): void;
    lookup(infoHash: Uint8Array | string, cb?: (err: Error | null, nodes?: number) => void): () => void;
    addNode(node: { host: string; port: number }): void;
    destroy(cb?: () => void): void;
  }
}
