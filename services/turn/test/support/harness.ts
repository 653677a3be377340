/** Starts a TURN server on loopback ephemeral ports and UDP echo peers, for integration tests. */
import { createSocket, type Socket } from "node:dgram";
import { createLogger } from "@switchboard/runtime";
import type { TransportAddress } from "@switchboard/stun-codec";
import { createTurnServer, loadTurnConfig, type TurnServer } from "../../src/server.js";

export interface Harness {
  readonly server: TurnServer;
  readonly udp: { address: string; port: number };
  readonly tcp: { address: string; port: number };
  readonly tls: { address: string; port: number } | undefined;
  close(): Promise<void>;
}

export async function startTurn(env: Record<string, string> = {}): Promise<Harness> {
  const config = loadTurnConfig({
    TURN_HOST: "127.0.0.1",
    TURN_PORT: "0",
    TURN_USERS: "alice:alice-pw,bob:bob-pw",
    TURN_REALM: "test.example",
    TURN_ALLOWED_PEER_IPS: "127.0.0.1",
    TURN_MIN_PORT: "40000",
    TURN_MAX_PORT: "48000",
    ...env,
  });
  const server = createTurnServer({
    config,
    logger: createLogger({
      name: "turn",
      level: process.env.TEST_LOG_LEVEL === "debug" ? "debug" : "silent",
    }),
    admin: false,
  });
  const listeners = await server.start();
  const udp = listeners.udp[0];
  const tcp = listeners.tcp[0];
  if (!udp || !tcp) throw new Error("no listener");
  return { server, udp, tcp, tls: listeners.tls[0], close: () => server.close() };
}

export interface EchoPeer {
  readonly address: TransportAddress;
  readonly socket: Socket;
  close(): void;
}

/** A UDP peer that echoes every datagram back to its sender. */
export async function startEchoPeer(host = "127.0.0.1"): Promise<EchoPeer> {
  const v6 = host.includes(":");
  const socket = createSocket(v6 ? "udp6" : "udp4");
  socket.on("message", (m, r) => socket.send(m, r.port, r.address));
  await new Promise<void>((r) => socket.bind(0, host, () => r()));
  return {
    address: { family: v6 ? "IPv6" : "IPv4", address: host, port: socket.address().port },
    socket,
    close: () => socket.close(),
  };
}
