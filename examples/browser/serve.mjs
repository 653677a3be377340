#!/usr/bin/env node
// Serves the browser example and the SDK's browser build on http://127.0.0.1:5173 (PORT to change; HOST to listen
// elsewhere — browsers allow WebCrypto and camera access only on localhost or HTTPS).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const files = {
  "/": ["index.html", "text/html"],
  "/index.html": ["index.html", "text/html"],
  "/switchboard.js": ["../../packages/client/dist/browser/switchboard.js", "text/javascript"],
};
const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 5173);

createServer((req, res) => {
  const entry = files[new URL(req.url ?? "/", "http://x").pathname];
  if (!entry) return res.writeHead(404).end("not found");
  try {
    res.writeHead(200, { "content-type": entry[1] }).end(readFileSync(new URL(entry[0], import.meta.url)));
  } catch {
    res.writeHead(500).end("build the SDK first: npm run build");
  }
}).listen(port, host, () =>
  console.log(`open http://${host}:${port}/ in two tabs (npm start must be running)`),
);
