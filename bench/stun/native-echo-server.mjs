/**
 * The ceiling for a Node UDP server with batched I/O: the same bare echo as echo-server.mjs, on the native
 * backend of @switchboard/datagram (recvmmsg/sendmmsg), as the STUN service uses it. Plain JavaScript from the
 * package's build.
 *   node bench/stun/native-echo-server.mjs <port>    (prints "listening <port>")
 */
import { openDatagramSocket } from "../../packages/datagram/dist/index.js";

const socket = await openDatagramSocket({
  family: 4,
  address: "127.0.0.1",
  port: Number(process.argv[2] ?? 0),
  backend: "native",
  recvBufferBytes: 1 << 20,
  sendBufferBytes: 1 << 20,
  onMessage: (data, address, port) => socket.send(data, port, address),
});
console.log(`listening ${socket.port}`);
process.on("SIGTERM", () => {
  socket.close();
  process.exit(0);
});
