// node-turn (npm, 0.0.6) as a benchmark peer: one process, UDP on 127.0.0.1, long-term credentials given as JSON
// (the REST-API usernames and passwords the load workers will use: node-turn has no shared-secret mode).
// Env: NODE_TURN_PORT, NODE_TURN_MIN_PORT, NODE_TURN_MAX_PORT, NODE_TURN_CREDENTIALS ({"user": "password"}).
import Turn from "node-turn";

const server = new Turn({
  listeningIps: ["127.0.0.1"],
  relayIps: ["127.0.0.1"],
  listeningPort: Number(process.env.NODE_TURN_PORT),
  minPort: Number(process.env.NODE_TURN_MIN_PORT),
  maxPort: Number(process.env.NODE_TURN_MAX_PORT),
  authMech: "long-term",
  realm: "bench",
  credentials: JSON.parse(process.env.NODE_TURN_CREDENTIALS ?? "{}"),
  debugLevel: "INFO",
  debug: (level, message) => {
    if (process.env.NODE_TURN_DEBUG || (level !== "DEBUG" && level !== "TRACE"))
      process.stdout.write(`${level} ${message}\n`);
  },
});
server.start();
process.on("SIGTERM", () => {
  server.stop();
  process.exit(0);
});
