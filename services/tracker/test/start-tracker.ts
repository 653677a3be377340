/** Starts a tracker on ephemeral ports for a test, with a silent logger. */
import { createLogger } from "@switchboard/runtime";
import {
  createTrackerServer,
  trackerConfigFrom,
  type TrackerConfig,
  type TrackerServer,
} from "../src/server.js";

export interface StartedTracker {
  server: TrackerServer;
  httpPort: number;
  udpPort: number;
  url: string;
  close(): Promise<void>;
}

export async function startTracker(
  overrides: Partial<Record<keyof TrackerConfig, unknown>> = {},
): Promise<StartedTracker> {
  const config = trackerConfigFrom({ host: "127.0.0.1", port: 0, udpPort: 0, rateLimit: 0, ...overrides });
  const server = createTrackerServer(config, {
    logger: createLogger({ name: "tracker-test", level: "silent" }),
  });
  const a = await server.listen();
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    server,
    httpPort: a.http.port,
    udpPort: a.udp?.port ?? 0,
    url: `http://${host}:${a.http.port}`,
    close: () => server.close(),
  };
}
