import { createMetricsRegistry, type Logger } from "@switchboard/runtime";
import type { StunConfig } from "../config.js";
import { createStunServer } from "../server.js";
import { parsePrimaryMessage, type WorkerMessage } from "./messages.js";

const send = (msg: WorkerMessage): void => {
  process.send?.(msg);
};

/**
 * A cluster worker: serves STUN on ports it shares with its siblings (UDP: SO_REUSEPORT sockets of its own, so the
 * kernel spreads clients over the workers; TCP: the handle the primary holds),
 * reports when it is serving, answers metric collection, and stops when told or when the primary goes away.
 */
export async function runWorker(opts: { config: StunConfig; logger: Logger }): Promise<void> {
  const registry = createMetricsRegistry();
  const server = createStunServer({ config: opts.config, logger: opts.logger, registry, sharedPorts: true });
  try {
    const addresses = await server.listen();
    send({ type: "stun:listening", addresses, udpIo: server.udpBackend() ?? "" });
  } catch (err) {
    send({ type: "stun:failed", message: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void server.close().finally(() => process.exit(0));
  };
  process.on("message", (raw: unknown) => {
    const msg = parsePrimaryMessage(raw);
    if (msg === undefined) return;
    void registry.getMetricsAsJSON().then((metrics) => send({ type: "stun:metrics", id: msg.id, metrics }));
  });
  process.on("disconnect", stop);
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
