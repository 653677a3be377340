// `nginx -t` on the project's nginx templates, rendered the way the nginx image renders them, for the development
// server (plain HTTP) and for production (HTTP redirect + TLS server); and the render step refuses missing values.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localVars, nginxTest, renderTemplate, writeNginxTree } from "./lib/nginx-config.js";
import { repoRoot } from "./lib/paths.js";

const upstreams = {
  httpPort: 18080,
  signaling: ["127.0.0.1:18081", "127.0.0.1:18082"],
  tracker: ["127.0.0.1:18083"],
  stunAdmin: "127.0.0.1:19478",
  turnAdmin: "127.0.0.1:19479",
};

describe("nginx configuration", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "sb-nginx-t-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("development server passes nginx -t", () => {
    const tree = writeNginxTree(join(dir, "dev"), {
      templateDirs: ["nginx/templates"],
      vars: localVars(upstreams),
    });
    const r = nginxTest(tree);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /test is successful/);
  });

  it("production servers (TLS + redirect) pass nginx -t", () => {
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
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
    const tree = writeNginxTree(join(dir, "prod"), {
      templateDirs: ["nginx/templates", "nginx/templates-tls"],
      vars: localVars({ ...upstreams, httpsPort: 18443, tls: { cert, key } }),
    });
    const r = nginxTest(tree);
    assert.equal(r.status, 0, r.output);
  });

  it("a broken file fails nginx -t (the check can fail)", () => {
    const tree = writeNginxTree(join(dir, "broken"), {
      templateDirs: ["nginx/templates"],
      vars: { ...localVars(upstreams), SB_HTTP_MODE: "no-such-file" },
    });
    assert.notEqual(nginxTest(tree).status, 0);
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
