#!/usr/bin/env node
// `npm start`: the whole platform as local processes with in-memory defaults (no Docker, no Redis), on the standard
// ports. Output of each service is prefixed with its name; Ctrl-C or SIGTERM stops them all (`npm start` runs this
// script alone, so npm's signal reaches it; `--build` builds the workspaces first).
//
// The local run is set up so that two peers on this machine connect out of the box:
//   - every service binds to 127.0.0.1 (BIND_HOST) unless PUBLIC_HOST names the address others use, then to all
//     interfaces (0.0.0.0); the addresses printed are the ones that answer;
//   - TURN relays to loopback peers (TURN_ALLOWED_PEER_IPS: 127.0.0.0/8, ::1 and PUBLIC_HOST), which production
//     refuses by default;
//   - any meeting code is joinable: `join` creates an unknown meeting (SIGNALING_AUTO_CREATE_ROOMS=true; off in
//     production);
//   - logs are pino's pretty lines on a terminal and JSON otherwise (LOG_FORMAT=pretty|json to choose).
// Each service's own variables pass through (see its README) and win over these defaults. Ports and addresses:
//   STUN_PORT (3478)  STUN_ADMIN_PORT (9478)  TURN_PORT (3479)  TURN_ADMIN_PORT (9479)
//   SIGNALING_PORT (8080)  TRACKER_PORT (8000)  TRACKER_UDP_PORT (= TRACKER_PORT)
//   WEB_PORT (8088): the web app (packages/web/dist) with /ws, /api/ and /health passed to signaling (one origin,
//   as nginx does in the compose stack); served by this process (scripts/web-server.mjs) once the app is built
//   PUBLIC_HOST (127.0.0.1): the address browsers use to reach the services, in the ICE servers signaling hands out
//   BIND_HOST: where services listen (127.0.0.1; 0.0.0.0 when PUBLIC_HOST is set)
//   SWITCHBOARD_SERVICES: comma-separated subset to run (default: every built service); `--only NAME` (what
//   `npm run start:stun|start:turn|start:signaling|start:tracker` pass) runs one and builds only what it needs
// TURN_EXTERNAL_HOST: relay address TURN advertises (default: PUBLIC_HOST when it is an IP address, else 127.0.0.1).
// TURN_SECRET: the TURN REST API shared secret; when unset, a random one is generated for this run and given to both
// TURN and signaling (so the credentials signaling hands out are accepted by TURN). TURN_URLS / STUN_URLS default to
// the local STUN and TURN ports.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { fileURLToPath } from "node:url";
import { startWebServer } from "./web-server.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const env = { ...process.env };
const args = process.argv.slice(2);
const known = ["stun", "turn", "signaling", "tracker"];
// --only NAME: one service (`npm run start:signaling` etc.), with the same local defaults; wins over
// SWITCHBOARD_SERVICES, and --build then builds only that service and the packages it uses.
let only = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--build") continue;
  if (a === "--only" && known.includes(args[i + 1] ?? "")) {
    only = args[++i];
    continue;
  }
  console.error(`start.mjs: unknown option "${a}" (known: --build, --only ${known.join("|")})`);
  process.exit(2);
}
if (only) env.SWITCHBOARD_SERVICES = only;

// --build: build first, in this process's place in the process tree, so a signal during the build stops it too.
if (args.includes("--build")) {
  let interrupted = null;
  const onSignal = (sig) => (interrupted = sig);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const turbo = `${root}node_modules/.bin/turbo`;
  const filter = only ? [`--filter=@switchboard/${only}...`] : [];
  const build = spawnSync(turbo, ["run", "build", "--output-logs=errors-only", ...filter], {
    cwd: root,
    stdio: "inherit",
    env: { TURBO_TELEMETRY_DISABLED: "1", ...env },
  });
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  if (interrupted || build.signal) process.exit(130);
  if (build.status !== 0) {
    console.error(build.error ? `build: ${build.error.message}` : "build failed: nothing started");
    process.exit(1);
  }
}

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
const bind = env.BIND_HOST || (env.PUBLIC_HOST ? "0.0.0.0" : "127.0.0.1");
if (isIP(bind) === 0) {
  console.error(`BIND_HOST: "${bind}" is not an IP address`);
  process.exit(2);
}
// An address a person can type when the bind address is "every interface".
const reach = bind === "0.0.0.0" || bind === "::" ? host : bind;
const ports = {
  stun: num("STUN_PORT", 3478),
  stunAdmin: num("STUN_ADMIN_PORT", 9478),
  turn: num("TURN_PORT", 3479),
  turnAdmin: num("TURN_ADMIN_PORT", 9479),
  signaling: num("SIGNALING_PORT", 8080),
  tracker: num("TRACKER_PORT", 8000),
  web: num("WEB_PORT", 8088),
};
ports.trackerUdp = num("TRACKER_UDP_PORT", ports.tracker);

const generatedSecret = !env.TURN_SECRET;
const turnSecret = env.TURN_SECRET || randomBytes(32).toString("base64url");
const localPeers = ["127.0.0.0/8", "::1", ...(isIP(host) && !host.startsWith("127.") ? [host] : [])];
const shared = {
  STUN_HOST: bind,
  TURN_HOST: bind,
  SIGNALING_HOST: bind,
  TRACKER_HOST: bind,
  TURN_ALLOWED_PEER_IPS: localPeers.join(","),
  SIGNALING_AUTO_CREATE_ROOMS: "true",
  LOG_FORMAT: process.stdout.isTTY ? "pretty" : "json",
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
// The caller's own settings win over the local-run defaults above.
for (const key of Object.keys(shared)) if (env[key]) shared[key] = env[key];
// TURN listens on every interface; the relay address it advertises must be one clients can reach.
if (!env.TURN_RELAY_HOST && !env.TURN_EXTERNAL_HOST)
  shared.TURN_EXTERNAL_HOST = isIP(host) ? host : "127.0.0.1";

const local = bind === "0.0.0.0" || bind === "::" ? "127.0.0.1" : bind;
const stunAdmin = env.STUN_ADMIN_HOST || "127.0.0.1";
const turnAdmin = env.TURN_ADMIN_HOST || "127.0.0.1";
const all = [
  {
    name: "stun",
    health: `http://${stunAdmin}:${ports.stunAdmin}/health`,
    info: `STUN       stun:${reach}:${ports.stun} (udp+tcp)          admin http://${stunAdmin}:${ports.stunAdmin}/health /stats /metrics`,
  },
  {
    name: "turn",
    health: `http://${turnAdmin}:${ports.turnAdmin}/health`,
    info: `TURN       turn:${reach}:${ports.turn} (udp+tcp)          admin http://${turnAdmin}:${ports.turnAdmin}/health /stats /metrics`,
  },
  {
    name: "signaling",
    health: `http://${local}:${ports.signaling}/health`,
    info: `SIGNALING  ws://${reach}:${ports.signaling}/ws     meetings API http://${reach}:${ports.signaling}/api/meetings, admin /health /stats /metrics`,
  },
  {
    name: "tracker",
    health: `http://${local}:${ports.tracker}/health`,
    info: `TRACKER    http://${reach}:${ports.tracker}/announce   ws://${reach}:${ports.tracker}   udp://${reach}:${ports.trackerUdp}, admin /health /stats /metrics`,
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
const webRoot = `${root}packages/web/dist`;
const webBuilt = existsSync(`${webRoot}/index.html`);
const webUrl = `http://${reach}:${ports.web}/`;
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
    (webBuilt
      ? `\n  WEB APP    ${webUrl}   (open it in a browser; /ws and /api/ reach signaling on the same origin)`
      : "\n  WEB APP    not built (npm run build -w @switchboard/web), not served") +
    `\n  TURN secret: ${generatedSecret ? "generated for this run" : "from TURN_SECRET"}, shared by TURN and signaling` +
    `\n  Local run: ${shared.SIGNALING_AUTO_CREATE_ROOMS === "true" ? "any meeting code is joinable" : "meetings are created over the API"}, TURN relays to ${shared.TURN_ALLOWED_PEER_IPS}` +
    `\n  Two peers: run \`npx switchboard peer --meeting demo\` in two terminals` +
    "\nCtrl-C stops everything.\n",
);

// The web app, in this process: listening before the ready line; a port already taken stops everything.
const web = webBuilt
  ? startWebServer({
      root: webRoot,
      host: bind,
      port: ports.web,
      signaling: { host: local, port: ports.signaling },
      headersFile: `${root}nginx/switchboard/security-headers.conf`,
    }).catch((e) => {
      console.error(`web app: cannot listen on ${bind}:${ports.web}: ${e.message}`);
      stopAll(1);
      return null;
    })
  : Promise.resolve(null);

// Ready line once every /health answers 200 (a service that never gets there is reported, not killed).
const readyDeadline = Date.now() + 60_000;
const pending = new Set(services.map((s) => s.name));
async function pollReady() {
  const webServer = await web;
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
    console.log(
      `Switchboard is ready: ${services.map((s) => s.name).join(", ")} healthy.` +
        (webServer ? ` Web app: ${webUrl}` : ""),
    );
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
process.on("SIGHUP", () => stopAll(0));
// Whatever started this script (npm, a shell, a test) going away stops the services too: nothing is left behind
// running under PID 1, even when the parent was killed without a chance to pass a signal on.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stopAll(0);
}, 500).unref();
