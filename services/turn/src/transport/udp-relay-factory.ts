/** Real relay sockets: one UDP socket per allocation and family, bound to the relay address and a chosen port. */
import { openDatagramSocket, type DatagramBackendChoice } from "@switchboard/datagram";
import type { RelaySocket, RelaySocketFactory, RelaySocketRequest } from "../state/relay-socket.js";

/** Peers' datagrams reach `onData` synchronously (the batched backend reuses their memory afterwards). */
export function createUdpRelayFactory(
  backend: DatagramBackendChoice,
  onHandlerError?: (err: unknown) => void,
): RelaySocketFactory {
  return async (req: RelaySocketRequest): Promise<RelaySocket> => {
    const socket = await openDatagramSocket({
      family: req.family,
      address: req.bindAddress,
      port: req.port,
      ipv6Only: true,
      backend,
      ...(onHandlerError === undefined ? {} : { onHandlerError }),
      onMessage: (data, address, port, family) => req.onData(data, { address, port, family }),
      // ICMP errors and refused sends (a peer gone): ignored, as a NAT would.
    });
    return {
      family: req.family,
      port: socket.port,
      send: (data, port, address) => socket.send(data, port, address),
      close: () => socket.close(),
    };
  };
}
