/** Ports free on a loopback address right now (found now, used right after by the caller). */
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { createServer, isIPv6 } from "node:net";

export interface FreePortOptions {
  /** Loopback address the port must be free on (default 127.0.0.1). */
  readonly host?: string;
  /** "tcp" (default), "udp", or "both": one number free for TCP and for UDP (services that share it). */
  readonly protocol?: "tcp" | "udp" | "both";
  /**
   * Try random ports in [from, to) instead of letting the kernel pick (port 0). Use a range below the kernel's
   * ephemeral range (32768+, e.g. {@link BELOW_EPHEMERAL}) when the port is bound later by another process while
   * TURN servers or other suites take port-0 sockets: a port-0 pick may be gone by then.
   */
  readonly range?: { readonly from: number; readonly to: number };
}

/** 20000-29999: below Linux's default ephemeral range (32768-60999). */
export const BELOW_EPHEMERAL = { from: 20_000, to: 30_000 } as const;

const LOOPBACK = "127.0.0.1";
const ATTEMPTS = 50;

/** A free port on a loopback address (TCP unless told otherwise). */
export async function freePort(opts: FreePortOptions = {}): Promise<number> {
  const host = opts.host ?? LOOPBACK;
  const protocol = opts.protocol ?? "tcp";
  const { range } = opts;
  for (let attempt = 0; attempt < (range ? ATTEMPTS * 20 : ATTEMPTS); attempt++) {
    const wanted = range ? range.from + Math.floor(Math.random() * (range.to - range.from)) : 0;
    const port = await tryPort(wanted, host, protocol);
    if (port !== undefined) return port;
  }
  throw new Error(`no free ${protocol} port found on ${host}`);
}

/** A UDP port free right now on `host` (default 127.0.0.1), picked by the kernel. */
export function freeUdpPort(host = LOOPBACK): Promise<number> {
  return freePort({ host, protocol: "udp" });
}

/** `count` consecutive ports free for UDP on 127.0.0.1, from 20000-39999 (a TURN relay range). */
export async function freeUdpRange(count: number): Promise<{ min: number; max: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const min = 20000 + Math.floor(Math.random() * 20000);
    const socks: Socket[] = [];
    let ok = true;
    for (let p = min; p < min + count && ok; p++) {
      const s = udpSocket(LOOPBACK);
      socks.push(s);
      ok = (await bindUdp(s, p, LOOPBACK)) !== undefined;
    }
    await Promise.all(socks.map(closeUdp));
    if (ok) return { min, max: min + count - 1 };
  }
  throw new Error("no free UDP range found");
}

async function tryPort(
  wanted: number,
  host: string,
  protocol: "tcp" | "udp" | "both",
): Promise<number | undefined> {
  if (protocol === "udp") {
    const s = udpSocket(host);
    const port = await bindUdp(s, wanted, host);
    await closeUdp(s);
    return port;
  }
  const srv = createServer();
  const port = await new Promise<number | undefined>((resolve) => {
    srv.once("error", () => resolve(undefined));
    srv.listen(wanted, host, () => {
      const a = srv.address();
      resolve(typeof a === "object" && a ? a.port : undefined);
    });
  });
  try {
    if (port === undefined || protocol === "tcp") return port;
    const s = udpSocket(host);
    const udp = await bindUdp(s, port, host);
    await closeUdp(s);
    return udp;
  } finally {
    if (srv.listening) {
      srv.close();
      await once(srv, "close");
    }
  }
}

const udpSocket = (host: string): Socket => createSocket(isIPv6(host) ? "udp6" : "udp4");

/** Binds `s`; the bound port, or undefined when the port is taken. */
function bindUdp(s: Socket, port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    s.once("error", () => resolve(undefined));
    s.bind(port, host, () => resolve(s.address().port));
  });
}

function closeUdp(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      s.close(() => resolve());
    } catch {
      resolve(); // never bound (bind failed): nothing to close
    }
  });
}
