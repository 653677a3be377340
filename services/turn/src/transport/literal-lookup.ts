/**
 * A `lookup` for dgram sockets that only ever send to IP literals (clients and peers are addresses, never
 * names): answers synchronously, sparing every datagram the DNS-lookup round through the next tick.
 */
import type { SocketOptions } from "node:dgram";
import { isIP } from "node:net";

type Lookup = NonNullable<SocketOptions["lookup"]>;

export const literalLookup: Lookup = (hostname, _options, callback) => {
  const family = isIP(hostname);
  if (family === 0) callback(new Error(`not an IP address: ${hostname}`), "", 0);
  else callback(null, hostname, family);
};
