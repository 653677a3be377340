#!/usr/bin/env node
// `npm start`: the whole platform as local processes with in-memory defaults (no Docker, no Redis), on the standard
// ports. Output of each service is prefixed with its name; Ctrl-C (or SIGTERM) stops them all.
//
// Every service's own variables pass through (see each service's README), and these choose ports and addresses:
//   STUN_PORT (3478)  STUN_ADMIN_PORT (9478)  TURN_PORT (3479)  TURN_ADMIN_PORT (9479)
//   SIGNALING_PORT (8080)  TRACKER_PORT (8000)  TRACKER_UDP_PORT (= TRACKER_PORT)
//   PUBLIC_HOST (127.0.0.1): the address browsers use to reach STUN/TURN, in the ICE servers signaling hands out
//   SWITCHBOARD_SERVICES: comma-separated subset to run (default: every built service)
// TURN_EXTERNAL_HOST: relay address TURN advertises (default: PUBLIC_HOST when it is an IP address, else 127.0.0.1).
// TURN_SECRET: the TURN REST API shared secret; when unset, a random one is generated for this run and given to both
// TURN and signaling (so the credentials signaling hands out are accepted by TURN). TURN_URLS / STUN_URLS default to
// the local STUN and TURN ports.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const env = { ...process.env };

const num = (name, fallback) => {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`${name}: "${raw}" is not a port number`);
    process.exit(2);
  }
  return n;
};
const host = env.PUBLIC_HOST || "127.0.0.1";
const ports = {
  stun: num("STUN_PORT", 3478),
  stunAdmin: num("STUN_ADMIN_PORT", 9478),
  turn: num("TURN_PORT", 3479),
  turnAdmin: num("TURN_ADMIN_PORT", 9479),
  signaling: num("SIGNALING_PORT", 8080),
  tracker: num("TRACKER_PORT", 8000),
};
ports.trackerUdp = num("TRACKER_UDP_PORT", ports.tracker);

const generatedSecret = !env.TURN_SECRET;
const turnSecret = env.TURN_SECRET || randomBytes(32).toString("base64url");
const shared = {
  STUN_PORT: String(ports.stun),
  STUN_ADMIN_PORT: String(ports.stunAdmin),
  TURN_PORT: String(ports.turn),
  TURN_ADMIN_PORT: String(ports.turnAdmin),
  SIGNALING_PORT: String(ports.signaling),
  TRACKER_PORT: String(ports.tracker),
  TRACKER_UDP_PORT: String(ports.trackerUdp),
  TURN_SECRET: turnSecret,
  TURN_URLS:
    env.TURN_URLS || `turn:${host}:${ports.turn}?transport=udp,turn:${host}:${ports.turn}?transport=tcp`,
  STUN_URLS: env.STUN_URLS || `stun:${host}:${ports.stun}`,
};
// TURN listens on every interface; the relay address it advertises must be one clients can reach.
if (!env.TURN_RELAY_HOST && !env.TURN_EXTERNAL_HOST)
  shared.TURN_EXTERNAL_HOST = isIP(host) ? host : "127.0.0.1";

const all = [
  {
    name: "stun",
    health: `http://127.0.0.1:${ports.stunAdmin}/health`,
    info: `STUN       stun:${host}:${ports.stun} (udp+tcp)        admin http://127.0.0.1:${ports.stunAdmin}/health`,
  },
  {
    name: "turn",
    health: `http://127.0.0.1:${ports.turnAdmin}/health`,
    info: `TURN       turn:${host}:${ports.turn} (udp+tcp)        admin http://127.0.0.1:${ports.turnAdmin}/health`,
  },
  {
    name: "signaling",
    health: `http://127.0.0.1:${ports.signaling}/health`,
    info: `SIGNALING  ws://${host}:${ports.signaling}/ws   meetings API http://${host}:${ports.signaling}/api/meetings`,
  },
  {
    name: "tracker",
    health: `http://127.0.0.1:${ports.tracker}/health`,
    info: `TRACKER    http://${host}:${ports.tracker}/announce   ws://${host}:${ports.tracker}   udp://${host}:${ports.trackerUdp}`,
  },
].map((s) => ({ ...s, main: `services/${s.name}/dist/main.js` }));

const wanted = env.SWITCHBOARD_SERVICES
  ? new Set(env.SWITCHBOARD_SERVICES.split(",").map((s) => s.trim()))
  : null;
for (const name of wanted ?? []) {
  if (!all.some((s) => s.name === name)) {
    console.error(
      `SWITCHBOARD_SERVICES: unknown service "${name}" (known: ${all.map((s) => s.name).join(", ")})`,
    );
    process.exit(2);
  }
}
const chosen = all.filter((s) => !wanted || wanted.has(s.name));
const notBuilt = chosen.filter((s) => !existsSync(`${root}${s.main}`));
const services = chosen.filter((s) => existsSync(`${root}${s.main}`));
if (services.length === 0) {
  console.error("nothing built: run `npm run build` first (npm start does)");
  process.exit(1);
}

let stopping = false;
const children = services.map((s) => {
  const child = spawn(process.execPath, [s.main], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...env, ...shared },
  });
  const prefix = `[${s.name}] `.padEnd(12);
  for (const stream of [child.stdout, child.stderr]) {
    let buf = "";
    stream.on("data", (d) => {
      buf += d;
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const line of lines) process.stdout.write(prefix + line + "\n");
    });
  }
  child.on("exit", (code, signal) => {
    process.stdout.write(`${prefix}exited (${signal ?? code})\n`);
    if (!stopping) {
      console.error(`${s.name} stopped unexpectedly: stopping everything`);
      stopAll(1);
    }
  });
  return child;
});

console.log(
  "Switchboard is starting:\n" +
    services.map((s) => "  " + s.info).join("\n") +
    (notBuilt.length ? `\n  (not built, not started: ${notBuilt.map((s) => s.name).join(", ")})` : "") +
    "\n  WEB APP    not part of this build yet (nginx/html is the placeholder the compose stack serves)" +
    `\n  TURN secret: ${generatedSecret ? "generated for this run" : "from TURN_SECRET"}, shared by TURN and signaling` +
    "\nCtrl-C stops everything.\n",
);

// Ready line once every /health answers 200 (a service that never gets there is reported, not killed).
const readyDeadline = Date.now() + 60_000;
const pending = new Set(services.map((s) => s.name));
async function pollReady() {
  while (pending.size > 0 && !stopping && Date.now() < readyDeadline) {
    for (const s of services) {
      if (!pending.has(s.name)) continue;
      try {
        const res = await fetch(s.health, { signal: AbortSignal.timeout(1000) });
        await res.body?.cancel();
        if (res.ok) pending.delete(s.name);
      } catch {
        /* not listening yet */
      }
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 200));
  }
  if (stopping) return;
  if (pending.size === 0)
    console.log(`Switchboard is ready: ${services.map((s) => s.name).join(", ")} healthy.`);
  else console.error(`not healthy after 60 s: ${[...pending].join(", ")}`);
}
void pollReady();

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
  let left = children.filter((c) => c.exitCode === null && c.signalCode === null).length;
  if (left === 0) process.exit(code);
  for (const c of children) {
    c.once("exit", () => {
      if (--left === 0) {
        console.log("Switchboard stopped.");
        process.exit(code);
      }
    });
  }
  setTimeout(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    process.exit(code || 1);
  }, 10_000).unref();
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));
