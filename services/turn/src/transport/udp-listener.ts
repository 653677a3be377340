/** The UDP listener: one socket per address; each datagram is one STUN message or ChannelData frame. */
import { openDatagramSocket, type DatagramBackendChoice, type DatagramSocket } from "@switchboard/datagram";
import { parseIPv4 } from "@switchboard/stun-codec";
import { fiveTupleKey, type AddressFamily, type ClientLink, type TransportAddress } from "../state/types.js";
import type { PacketHandler } from "./packet-handler.js";

/**
 * Senders' links are cached in two generations of this many: a link used in the current or the last generation is
 * kept, one unused for a whole generation is dropped, so the cache stays bounded (about 600 bytes a link) however
 * many source addresses and ports send to us, while the active clients keep their link.
 */
const LINK_GENERATION = 2048;
/** Scratch for an IPv4 sender's 32-bit value (links are keyed by number: no string per datagram). */
const KEY_BYTES = new Uint8Array(4);
const KEY_VIEW = new DataView(KEY_BYTES.buffer);
/** Socket buffers asked of the OS: room for bursts from many allocations at once. */
const BUFFER_BYTES = 4 * 1024 * 1024;

export interface UdpListenerOptions {
  readonly host: string;
  readonly handler: PacketHandler;
  readonly backend: DatagramBackendChoice;
  /** The handler threw on a datagram: it is lost, the listener goes on (log and count it). */
  readonly onHandlerError?: (err: unknown) => void;
  /** Links per cache generation (tests); default LINK_GENERATION. */
  readonly linkGeneration?: number;
}

export class UdpListener {
  readonly host: string;
  readonly #opts: UdpListenerOptions;
  /** Links by sender: IPv4 senders under a number (address × 65536 + port), others under their text. */
  #links = new Map<number | string, ClientLink>();
  /** The previous generation of `#links`. */
  #oldLinks = new Map<number | string, ClientLink>();
  #socket: DatagramSocket | undefined;

  constructor(opts: UdpListenerOptions) {
    this.#opts = opts;
    this.host = opts.host;
  }

  async listen(port: number): Promise<TransportAddress> {
    const family: AddressFamily = this.host.includes(":") ? 6 : 4;
    const socket = await openDatagramSocket({
      family,
      address: this.host,
      port,
      ipv6Only: true,
      recvBufferBytes: BUFFER_BYTES,
      sendBufferBytes: BUFFER_BYTES,
      backend: this.#opts.backend,
      ...(this.#opts.onHandlerError === undefined ? {} : { onHandlerError: this.#opts.onHandlerError }),
      onMessage: (data, address, remotePort, remoteFamily) => {
        const link = this.#link(address, remotePort, remoteFamily);
        // STUN messages (first byte 0-3) may be handled across an await (Allocate binds a relay first), and the
        // batched backend reuses `data` once this returns: they get their own copy. ChannelData is relayed now.
        this.#opts.handler.onPacket(link, (data[0] ?? 0) < 0x40 ? Buffer.from(data) : data);
      },
    });
    this.#socket = socket;
    return { address: socket.address, port: socket.port, family };
  }

  #link(address: string, port: number, family: AddressFamily): ClientLink {
    const cacheKey =
      family === 4 && parseIPv4(address, KEY_BYTES)
        ? KEY_VIEW.getUint32(0) * 65536 + port
        : `${address}:${port}`;
    const cached = this.#links.get(cacheKey);
    if (cached !== undefined) return cached;
    if (this.#links.size >= (this.#opts.linkGeneration ?? LINK_GENERATION)) {
      this.#oldLinks = this.#links;
      this.#links = new Map();
    }
    const previous = this.#oldLinks.get(cacheKey);
    if (previous !== undefined) {
      this.#links.set(cacheKey, previous);
      return previous;
    }
    const socket = this.#socket;
    if (socket === undefined) throw new Error("UDP listener not bound");
    const local: TransportAddress = { address: socket.address, port: socket.port, family: socket.family };
    const remote: TransportAddress = { address, port, family };
    const link: ClientLink = {
      transport: "udp",
      remote,
      local,
      key: fiveTupleKey("udp", remote, local),
      stream: false,
      send(chunks) {
        const [only] = chunks;
        if (only === undefined) return;
        socket.send(chunks.length === 1 ? only : Buffer.concat(chunks), port, address);
      },
    };
    this.#links.set(cacheKey, link);
    return link;
  }

  /** Links held by the cache (both generations; the same link may be in both). */
  get cachedLinks(): number {
    return this.#links.size + this.#oldLinks.size;
  }

  close(): Promise<void> {
    this.#socket?.close();
    this.#socket = undefined;
    return Promise.resolve();
  }
}
