/**
 * The ceiling for any Node UDP server on this machine: a bare `dgram` socket that sends every datagram back.
 * Plain JavaScript (no loader), as the STUN service is measured from its build.
 *   node bench/stun/echo-server.mjs <port>    (prints "listening <port>")
 */
import { createSocket } from "node:dgram";

// The same socket buffers as the STUN service asks for (STUN_UDP_BUFFER_BYTES default), for a fair ceiling.
const socket = createSocket({ type: "udp4", recvBufferSize: 1 << 20, sendBufferSize: 1 << 20 });
socket.on("message", (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
socket.bind(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  console.log(`listening ${socket.address().port}`);
});
process.on("SIGTERM", () => socket.close(() => process.exit(0)));
