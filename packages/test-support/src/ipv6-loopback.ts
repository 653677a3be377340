/** Whether this machine has an IPv6 loopback (`::1`); containers and CI runners often have none. */
import { createSocket } from "node:dgram";

/** True when a UDP socket can bind `::1`. */
export async function hasIpv6Loopback(): Promise<boolean> {
  const s = createSocket("udp6");
  try {
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.bind(0, "::1", resolve);
    });
    return true;
  } catch {
    return false;
  } finally {
    s.close();
  }
}
