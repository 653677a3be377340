// `nginx -t` on the project's nginx templates, rendered the way the nginx image renders them, for the development
// server (plain HTTP) and for production (HTTP redirect + TLS server); and the render step refuses missing values.
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localVars, renderTemplate, WEB_ROOT, writeNginxTree } from "./lib/nginx-config.js";
import { nginxTest, startNginx } from "./lib/nginx-run.js";
import { freePort } from "@switchboard/test-support";
import { stopProc, waitForHttp } from "./lib/processes.js";
import { repoRoot } from "./lib/paths.js";

const upstreams = {
  httpPort: 18080,
  signaling: ["127.0.0.1:18081", "127.0.0.1:18082"],
  tracker: ["127.0.0.1:18083"],
  stunAdmin: "127.0.0.1:19478",
  turnAdmin: "127.0.0.1:19479",
};

/** GET over HTTPS trusting the test's self-signed certificate. */
function httpsGet(
  port: number,
  path: string,
): Promise<{ status: number; headers: Record<string, string | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, rejectUnauthorized: false, timeout: 5000 },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
            body,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("nginx configuration", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "sb-nginx-t-"));
    chmodSync(dir, 0o755); // nginx workers run unprivileged
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("development server passes nginx -t", async () => {
    const tree = writeNginxTree(join(dir, "dev"), {
      templateDirs: ["nginx/templates"],
      vars: localVars(upstreams),
    });
    const r = await nginxTest(tree);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /test is successful/);
  });

  const makeCert = () => {
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    if (existsSync(cert)) return { cert, key };
    execFileSync("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-subj",
      "/CN=localhost",
      "-days",
      "1",
      "-keyout",
      key,
      "-out",
      cert,
    ]);
    return { cert, key };
  };

  it("production servers (TLS + redirect) pass nginx -t", async () => {
    const tree = writeNginxTree(join(dir, "prod"), {
      templateDirs: ["nginx/templates", "nginx/templates-tls"],
      vars: localVars({ ...upstreams, httpsPort: 18443, tls: makeCert() }),
    });
    const r = await nginxTest(tree);
    assert.equal(r.status, 0, r.output);
  });

  it("production servers running: HTTP redirects to HTTPS, HTTPS serves the app with HSTS and headers", async () => {
    const httpPort = await freePort();
    const httpsPort = await freePort();
    const tree = writeNginxTree(join(dir, "prod-live"), {
      templateDirs: ["nginx/templates", "nginx/templates-tls"],
      vars: localVars({ ...upstreams, httpPort, httpsPort, tls: makeCert() }),
    });
    const nginx = await startNginx(tree);
    try {
      const plain = await waitForHttp(`http://127.0.0.1:${httpPort}/room/abc`, { proc: nginx, status: 301 });
      assert.equal(plain.headers.get("location"), "https://127.0.0.1/room/abc");
      const acme = await fetch(`http://127.0.0.1:${httpPort}/.well-known/acme-challenge/none`);
      assert.equal(acme.status, 404, "ACME challenges are answered over HTTP, not redirected");
      const res = await httpsGet(httpsPort, "/some/app/route");
      assert.equal(res.status, 200);
      assert.match(res.body, /<title>Switchboard<\/title>/, "single-page app fallback to index.html");
      assert.match(res.headers["strict-transport-security"] ?? "", /max-age=\d+/);
      assert.equal(res.headers["x-frame-options"], "DENY");
      assert.match(res.headers["content-security-policy"] ?? "", /frame-ancestors 'none'/);
      const metrics = await httpsGet(httpsPort, "/metrics");
      assert.doesNotMatch(metrics.body, /process_cpu/, "services' metrics are not exposed through nginx");
    } finally {
      await stopProc(nginx);
    }
  });

  it("development server running: serves the web app's build (index, hashed assets, caching, CSP it runs under)", async () => {
    assert.ok(existsSync(join(WEB_ROOT, "index.html")), "the web app is built (npm run build)");
    const httpPort = await freePort();
    const tree = writeNginxTree(join(dir, "dev-live"), {
      templateDirs: ["nginx/templates"],
      vars: localVars({ ...upstreams, httpPort }),
    });
    const nginx = await startNginx(tree);
    try {
      const base = `http://127.0.0.1:${httpPort}`;
      const index = await waitForHttp(`${base}/`, { proc: nginx });
      const html = await index.text();
      assert.equal(html, readFileSync(join(WEB_ROOT, "index.html"), "utf8"), "/ is the build's index.html");
      assert.equal(index.headers.get("cache-control"), "no-cache", "index.html is revalidated");
      const scripts = [...html.matchAll(/<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/g)];
      assert.equal(scripts.length, 1, html);
      const js = await fetch(`${base}${scripts[0]?.[1] ?? ""}`);
      assert.equal(js.status, 200);
      assert.match(js.headers.get("content-type") ?? "", /javascript/);
      assert.match(js.headers.get("cache-control") ?? "", /public/);
      assert.equal(js.headers.get("content-encoding"), "gzip", "sent compressed to browsers that accept it");
      const code = await js.text();
      assert.ok(code.length > 10_000, "the app bundle");
      // The CSP allows no eval: neither the app nor the SDK (schemas are checked without compiled validators)
      // may need one.
      const csp = index.headers.get("content-security-policy") ?? "";
      assert.doesNotMatch(csp, /unsafe-eval/);
      assert.doesNotMatch(code, /new Function\(|\beval\(/);
      assert.match(csp, /connect-src 'self' wss: ws:/, "signaling WebSocket on the same origin");
      assert.match(csp, /img-src[^;]*blob:/, "saved files and previews as blob: URLs");
      const route = await fetch(`${base}/files/some/path`);
      assert.equal(route.status, 200, "unknown paths fall back to the app");
      assert.equal(await route.text(), html);
    } finally {
      await stopProc(nginx);
    }
  });

  it("a broken file fails nginx -t (the check can fail)", async () => {
    const tree = writeNginxTree(join(dir, "broken"), {
      templateDirs: ["nginx/templates"],
      vars: { ...localVars(upstreams), SB_HTTP_MODE: "no-such-file" },
    });
    assert.notEqual((await nginxTest(tree)).status, 0);
  });

  it("rendering refuses a placeholder without a value and leaves nginx variables alone", () => {
    const text = readFileSync(join(repoRoot, "nginx/templates/switchboard.conf.template"), "utf8");
    assert.throws(() => renderTemplate(text, {}), /SB_SIGNALING_SERVERS/);
    const out = renderTemplate(text, { ...localVars(upstreams), SB_ACCESS_LOG: "/dev/null" });
    assert.match(out, /server 127\.0\.0\.1:18082 max_fails=1/);
    assert.match(out, /\$cookie_sb_affinity/);
    assert.doesNotMatch(out, /\$\{SB_[A-Z]/);
  });
});
