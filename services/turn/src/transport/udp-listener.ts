/** The UDP listener: one socket per address; each datagram is one STUN message or ChannelData frame. */
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { fiveTupleKey, type AddressFamily, type ClientLink, type TransportAddress } from "../state/types.js";
import { literalLookup } from "./literal-lookup.js";
import type { PacketHandler } from "./packet-handler.js";

const LINK_CACHE_MAX = 65_536;

export class UdpListener {
  readonly #socket: Socket;
  readonly #links = new Map<string, ClientLink>();
  #local: TransportAddress | undefined;

  constructor(host: string, handler: PacketHandler) {
    this.#socket = host.includes(":")
      ? createSocket({ type: "udp6", ipv6Only: true, lookup: literalLookup })
      : createSocket({ type: "udp4", lookup: literalLookup });
    this.#socket.on("message", (msg: Buffer, rinfo: RemoteInfo) => handler.onPacket(this.#link(rinfo), msg));
    this.#socket.on("error", () => {
      // ICMP errors (ECONNREFUSED) surface here on some platforms; nothing to do for a datagram server.
    });
    this.host = host;
  }

  readonly host: string;

  listen(port: number): Promise<TransportAddress> {
    return new Promise((resolve, reject) => {
      this.#socket.once("error", reject);
      this.#socket.bind(port, this.host, () => {
        this.#socket.off("error", reject);
        this.#socket.setRecvBufferSize(4 * 1024 * 1024);
        this.#socket.setSendBufferSize(4 * 1024 * 1024);
        const a = this.#socket.address();
        this.#local = { address: a.address, port: a.port, family: a.family === "IPv6" ? 6 : 4 };
        resolve(this.#local);
      });
    });
  }

  #link(rinfo: RemoteInfo): ClientLink {
    const cacheKey = `${rinfo.address}:${rinfo.port}`;
    const cached = this.#links.get(cacheKey);
    if (cached !== undefined) return cached;
    if (this.#links.size >= LINK_CACHE_MAX) this.#links.clear();
    const socket = this.#socket;
    const local = this.#local ?? { address: this.host, port: 0, family: 4 as AddressFamily };
    const remote: TransportAddress = {
      address: rinfo.address,
      port: rinfo.port,
      family: rinfo.family === "IPv6" ? 6 : 4,
    };
    const link: ClientLink = {
      transport: "udp",
      remote,
      local,
      key: fiveTupleKey("udp", remote, local),
      stream: false,
      send(chunks) {
        const [only] = chunks;
        try {
          if (chunks.length === 1 && only !== undefined) socket.send(only, remote.port, remote.address);
          else socket.send(chunks as Uint8Array[], remote.port, remote.address);
        } catch {
          // Socket closed during shutdown, or a source the kernel will not answer (port 0): drop.
        }
      },
    };
    this.#links.set(cacheKey, link);
    return link;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}
