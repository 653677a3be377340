import { reactorFor } from "./batch-reactor.js";
import { DgramDatagramSocket } from "./dgram-socket.js";
import { DatagramBackendUnavailableError } from "./errors.js";
import { loadNativeBinding } from "./native-binding.js";
import { NativeDatagramSocket } from "./native-socket.js";
import type {
  DatagramBackend,
  DatagramBackendChoice,
  DatagramSocket,
  DatagramSocketOptions,
} from "./types.js";

/** The backend "auto" means here, and why the native one is not it when it is not. */
export function nativeBackendStatus(): { available: boolean; reason?: string } {
  const { binding, reason } = loadNativeBinding();
  return binding !== undefined ? { available: true } : { available: false, reason: reason ?? "unknown" };
}

/** The backend a socket opened with `backend` gets; throws when "native" is asked for and absent. */
export function resolveBackend(backend: DatagramBackendChoice = "auto"): DatagramBackend {
  if (backend === "dgram") return "dgram";
  const status = nativeBackendStatus();
  if (status.available) return "native";
  if (backend === "native") throw new DatagramBackendUnavailableError(status.reason ?? "unknown");
  return "dgram";
}

/** Opens and binds a UDP socket; rejects with the bind error (`code`: EADDRINUSE, EADDRNOTAVAIL, …). */
export async function openDatagramSocket(opts: DatagramSocketOptions): Promise<DatagramSocket> {
  if (resolveBackend(opts.backend) === "dgram") return DgramDatagramSocket.open(opts);
  const { binding } = loadNativeBinding();
  if (binding === undefined) throw new DatagramBackendUnavailableError("vanished");
  return new NativeDatagramSocket(reactorFor(binding), opts);
}
