/** A backend that is not available here was asked for by name. */
export class DatagramBackendUnavailableError extends Error {
  readonly code = "ERR_DATAGRAM_BACKEND_UNAVAILABLE";
  constructor(reason: string) {
    super(`the native datagram backend is not available: ${reason}`);
    this.name = "DatagramBackendUnavailableError";
  }
}

/** An address that is not an IP literal of the socket's families. */
export class DatagramAddressError extends Error {
  readonly code = "ERR_DATAGRAM_ADDRESS";
  constructor(address: string) {
    super(`not an IP address this socket can use: ${JSON.stringify(address)}`);
    this.name = "DatagramAddressError";
  }
}
