/** Real relay sockets: one UDP socket per allocation and family, bound to the relay address and a chosen port. */
import { openDatagramSocket, type DatagramBackendChoice } from "@switchboard/datagram";
import type { RelaySocket, RelaySocketFactory, RelaySocketRequest } from "../state/relay-socket.js";

/**
 * SO_RCVBUF / SO_SNDBUF asked for every relay socket (the kernel caps them at net.core.rmem_max / wmem_max and
 * charges memory only while datagrams wait). The OS default, about 208 KiB, holds some 90 loopback datagrams of
 * 1200 bytes, while one flush of the batched backend may hand the kernel up to 1024 datagrams for one relay
 * socket — the other allocation of a relay↔relay pair on this server, or a peer's congestion window — so the
 * default dropped hundreds of datagrams per relayed transfer and every drop cut the sender's SCTP window.
 */
export const RELAY_SOCKET_BUFFER_BYTES = 1024 * 1024;

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
      recvBufferBytes: RELAY_SOCKET_BUFFER_BYTES,
      sendBufferBytes: RELAY_SOCKET_BUFFER_BYTES,
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
