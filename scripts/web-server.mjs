// The web app for the local run (`npm start`): serves the production build (packages/web/dist) and passes /ws
// (WebSocket upgrade), /api/ and /health through to the signaling service, so the app, the signaling WebSocket
// and the meetings API share one origin exactly as behind nginx in the compose stack. The security headers are
// the ones nginx sends (read from nginx/switchboard/security-headers.conf, so the two cannot drift apart).
// Plain node:http, no dependencies: start.mjs runs before anything but the build exists.
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { createServer, request } from "node:http";
import { connect } from "node:net";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

/** `add_header Name "value" always;` lines of nginx's security-headers.conf (headers with a variable skipped). */
export function securityHeaders(confText) {
  const headers = {};
  for (const m of confText.matchAll(/^\s*add_header\s+([A-Za-z-]+)\s+"([^"]*)"\s+always;/gm)) {
    headers[m[1]] = m[2];
  }
  return headers;
}

/** The file under `root` a URL path names, or null when it escapes the root or is not a file. */
export function resolveStatic(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split("?")[0] ?? "/");
  } catch {
    return null;
  }
  if (path.includes("\0")) return null;
  const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  try {
    return statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

const isProxied = (path) => path === "/ws" || path.startsWith("/api/") || path === "/health";

/**
 * Starts the web server; resolves with it once it listens.
 * @param {{root: string, host: string, port: number, signaling: {host: string, port: number}, headersFile: string}} opts
 */
export function startWebServer(opts) {
  const headers = securityHeaders(readFileSync(opts.headersFile, "utf8"));
  const index = join(opts.root, "index.html");
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (isProxied(path)) return proxy(req, res);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...headers, Allow: "GET, HEAD" }).end();
      return;
    }
    // Unknown paths get the app (hash routes need none, but a pasted path should not be a bare 404).
    const file = resolveStatic(opts.root, path) ?? (extname(path) ? null : index);
    if (!file || !existsSync(file)) {
      res.writeHead(404, { ...headers, "Content-Type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    const hashed = file.startsWith(join(opts.root, "assets") + sep);
    res.writeHead(200, {
      ...headers,
      "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
      "Content-Length": statSync(file).size,
      "Cache-Control": hashed ? "public, max-age=604800, immutable" : "no-cache",
    });
    if (req.method === "HEAD") return void res.end();
    createReadStream(file).pipe(res);
  });

  function proxy(req, res) {
    const up = request(
      {
        host: opts.signaling.host,
        port: opts.signaling.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "Content-Type": "application/json" });
      res.end('{"error":"signaling unreachable"}\n');
    });
    req.pipe(up);
  }

  // WebSocket upgrades on /ws go to signaling as raw bytes: the request head, then both directions piped.
  server.on("upgrade", (req, socket, head) => {
    if ((req.url ?? "").split("?")[0] !== "/ws") return void socket.destroy();
    const up = connect(opts.signaling.port, opts.signaling.host, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(lines.join("\r\n") + "\r\n\r\n");
      if (head.length > 0) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    const drop = () => {
      up.destroy();
      socket.destroy();
    };
    up.on("error", drop);
    socket.on("error", drop);
    up.on("close", drop);
    socket.on("close", drop);
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
