/** Real relay sockets: one UDP socket per allocation and family, bound to the relay address and a chosen port. */
import { createSocket, type RemoteInfo } from "node:dgram";
import { literalLookup } from "./literal-lookup.js";
import type { RelaySocket, RelaySocketFactory, RelaySocketRequest } from "../state/relay-socket.js";

export const udpRelayFactory: RelaySocketFactory = (req: RelaySocketRequest) =>
  new Promise<RelaySocket>((resolve, reject) => {
    const socket =
      req.family === 6
        ? createSocket({ type: "udp6", ipv6Only: true, lookup: literalLookup })
        : createSocket({ type: "udp4", lookup: literalLookup });
    let open = true;
    const onError = (err: Error): void => {
      socket.close();
      reject(err);
    };
    socket.once("error", onError);
    socket.bind(req.port, req.bindAddress, () => {
      socket.off("error", onError);
      socket.on("error", () => {
        // ICMP port unreachable from a peer: ignore, as a NAT would.
      });
      socket.on("message", (msg: Buffer, rinfo: RemoteInfo) =>
        req.onData(msg, {
          address: rinfo.address,
          port: rinfo.port,
          family: rinfo.family === "IPv6" ? 6 : 4,
        }),
      );
      resolve({
        family: req.family,
        port: socket.address().port,
        send(data, port, address) {
          if (!open) return;
          try {
            socket.send(data, port, address);
          } catch {
            // A peer address the kernel refuses (checked before, so only races with close): drop it.
          }
        },
        close() {
          if (!open) return;
          open = false;
          socket.close();
        },
      });
    });
  });
