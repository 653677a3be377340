/**
 * The `stun` npm package's server (2.1.0) as a benchmark peer: what a Node user would write with it, after its
 * own example — a Binding request answered with XOR-MAPPED-ADDRESS, SOFTWARE and FINGERPRINT (what our service
 * sends). Plain JavaScript, one process.
 *   node bench/stun/stun-npm-server.mjs <port>    (prints "listening <port>")
 */
import { createSocket } from "node:dgram";
import stun from "stun";

const { STUN_BINDING_RESPONSE, STUN_EVENT_BINDING_REQUEST } = stun.constants;
// The same socket buffers as the STUN service asks for (STUN_UDP_BUFFER_BYTES default).
const socket = createSocket({ type: "udp4", recvBufferSize: 1 << 20, sendBufferSize: 1 << 20 });
const server = stun.createServer({ type: "udp4", socket });
server.on(STUN_EVENT_BINDING_REQUEST, (request, rinfo) => {
  const response = stun.createMessage(STUN_BINDING_RESPONSE, request.transactionId);
  response.addXorAddress(rinfo.address, rinfo.port);
  response.addSoftware("stun-npm-bench");
  response.addFingerprint();
  server.send(response, rinfo.port, rinfo.address);
});
server.on("error", () => undefined);
socket.bind(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  console.log(`listening ${socket.address().port}`);
});
process.on("SIGTERM", () => socket.close(() => process.exit(0)));
