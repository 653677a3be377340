/**
 * Admission of TCP and TLS client connections, shared by every stream listener: one total for TCP and TLS
 * together (`TURN_MAX_TCP_CONNECTIONS`) and a cap per client address (`TURN_MAX_TCP_CONNECTIONS_PER_IP`), IPv6
 * clients counted per /64 (one subscriber's usual allocation). Pure bookkeeping; no sockets.
 */
import ipaddr from "ipaddr.js";

export type GateRefusal = "limit" | "address_limit";

export interface ConnectionGateOptions {
  readonly maxTotal: number;
  readonly maxPerAddress: number;
}

/** The key a client address is counted under: the IPv4 address, or the /64 of an IPv6 one. */
export function addressBucket(ip: string): string {
  if (!ipaddr.IPv6.isValid(ip)) return ip;
  const v6 = ipaddr.IPv6.parse(ip);
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts
    .slice(0, 4)
    .map((p) => p.toString(16))
    .join(":")}::/64`;
}

export class ConnectionGate {
  readonly #o: ConnectionGateOptions;
  readonly #perAddress = new Map<string, number>();
  #total = 0;

  constructor(opts: ConnectionGateOptions) {
    this.#o = opts;
  }

  get total(): number {
    return this.#total;
  }

  /** Takes a slot for a new connection from `ip`, or says why not. Every admitted connection is released once. */
  admit(ip: string): GateRefusal | undefined {
    if (this.#total >= this.#o.maxTotal) return "limit";
    const bucket = addressBucket(ip);
    const n = this.#perAddress.get(bucket) ?? 0;
    if (n >= this.#o.maxPerAddress) return "address_limit";
    this.#perAddress.set(bucket, n + 1);
    this.#total++;
    return undefined;
  }

  release(ip: string): void {
    const bucket = addressBucket(ip);
    const n = this.#perAddress.get(bucket);
    if (n === undefined) return;
    if (n <= 1) this.#perAddress.delete(bucket);
    else this.#perAddress.set(bucket, n - 1);
    this.#total--;
  }
}
