import { performance } from "node:perf_hooks";
import { SwitchboardClient, nodeRtc, type RtcImplementation } from "@switchboard/client/node";

export interface NodePairOptions {
  /** The WebRTC stack of both clients (default: `nodeRtc()`). */
  readonly rtc?: RtcImplementation;
  /** Called right before the clock starts (B's `discoverPeers()`). */
  readonly atStart?: () => void;
  /** Fails the trial after this long (default: no bound of its own). */
  readonly timeoutMs?: number;
}

/**
 * Two SDK clients in this process: A joins `meetingCode` and sends "ping" on each connection; the time from B's
 * `discoverPeers()` to A's first message at B, ms. Both clients are disconnected afterwards.
 */
export async function nodeConnectTime(
  signalingUrl: string,
  meetingCode: string,
  opts: NodePairOptions = {},
): Promise<number> {
  const rtc = opts.rtc ?? nodeRtc();
  const a = new SwitchboardClient({ signalingUrl, meetingCode, rtc });
  const b = new SwitchboardClient({ signalingUrl, meetingCode, rtc });
  let timer: NodeJS.Timeout | undefined;
  try {
    a.on("connectionEstablished", (c) => void a.send(c.peerId, "ping"));
    await a.initializeNode();
    await a.discoverPeers();
    await b.initializeNode();
    const first = new Promise<number>((resolve) => b.on("message", () => resolve(performance.now())));
    const bounded =
      opts.timeoutMs === undefined
        ? first
        : Promise.race([
            first,
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () => reject(new Error(`no message within ${opts.timeoutMs} ms`)),
                opts.timeoutMs,
              );
            }),
          ]);
    opts.atStart?.();
    const t0 = performance.now();
    await b.discoverPeers();
    return (await bounded) - t0;
  } finally {
    clearTimeout(timer);
    await Promise.all([a.disconnect(), b.disconnect()]);
  }
}
