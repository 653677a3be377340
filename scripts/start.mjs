#!/usr/bin/env node
// `npm start`: every service of the platform as local processes with in-memory defaults (no Docker, no Redis).
// Output of each is prefixed with its name; Ctrl-C stops them all.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const services = [
  {
    name: "stun",
    main: "services/stun/dist/main.js",
    info: "STUN   udp+tcp :3478   admin http://127.0.0.1:9478/health",
  },
  {
    name: "turn",
    main: "services/turn/dist/main.js",
    info: "TURN   udp+tcp :3479   admin http://127.0.0.1:9479/health",
  },
  {
    name: "signaling",
    main: "services/signaling/dist/main.js",
    info: "SIGNALING ws+http http://127.0.0.1:8080 (ws /ws, /api)",
  },
  {
    name: "tracker",
    main: "services/tracker/dist/main.js",
    info: "TRACKER http+ws+udp :8000   http://127.0.0.1:8000/announce",
  },
].filter((s) => existsSync(new URL(s.main, `file://${root}`)));

if (services.length === 0) {
  console.error("nothing built: run `npm run build` first");
  process.exit(1);
}
const children = services.map((s) => {
  const child = spawn(process.execPath, [s.main], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: process.env,
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
    if (!stopping) stopAll(1);
  });
  return child;
});
console.log(
  "Switchboard is starting:\n" +
    services.map((s) => "  " + s.info).join("\n") +
    "\nCtrl-C stops everything.\n",
);

let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  let left = children.filter((c) => c.exitCode === null && c.signalCode === null).length;
  if (left === 0) process.exit(code);
  for (const c of children) c.on("exit", () => --left === 0 && process.exit(code));
  setTimeout(() => process.exit(code), 10_000).unref();
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));
