export { openDatagramSocket, nativeBackendStatus, resolveBackend } from "./open-datagram-socket.js";
export { DatagramAddressError, DatagramBackendUnavailableError } from "./errors.js";
export { DATAGRAM_BACKEND_CHOICES } from "./types.js";
export { inPlaceReplies, type InPlaceReplies } from "./batch-reactor.js";
export type {
  AddressFamily,
  DatagramBackend,
  DatagramBackendChoice,
  DatagramHandler,
  DatagramSocket,
  DatagramSocketOptions,
} from "./types.js";
