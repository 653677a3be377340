export { openDatagramSocket, nativeBackendStatus, resolveBackend } from "./open-datagram-socket.js";
export { DatagramAddressError, DatagramBackendUnavailableError } from "./errors.js";
export { DATAGRAM_BACKEND_CHOICES } from "./types.js";
export { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from "./ip-address.js";
export type {
  AddressFamily,
  DatagramBackend,
  DatagramBackendChoice,
  DatagramHandler,
  DatagramSocket,
  DatagramSocketOptions,
} from "./types.js";
