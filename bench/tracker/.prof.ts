import { spawn } from "node:child_process";
import { once } from "node:events";
import { freePort } from "./targets.ts";
import { runHttpLoad } from "./load-http.ts";
import { Latencies } from "./measure.ts";
const port = await freePort();
const child = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir=/tmp/trk/prof", "--conditions=source", "--import", "tsx", "services/tracker/src/main.ts"], {
  env: { ...process.env, TRACKER_HOST: "127.0.0.1", TRACKER_PORT: String(port), TRACKER_UDP_PORT: String(port), TRACKER_RATE_LIMIT: "0", LOG_LEVEL: "warn" },
  stdio: "inherit",
});
await new Promise((r) => setTimeout(r, 5000));
let k = 0;
const l = new Latencies();
await runHttpLoad({ port, path: "/announce", connections: 64, seconds: 4, next: () => k++, latencies: l });
const r = await runHttpLoad({ port, path: "/announce", connections: 64, seconds: 6, next: () => k++, latencies: l });
console.log("RESULT", r);
child.kill("SIGTERM");
await once(child, "exit");
