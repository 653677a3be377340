#!/usr/bin/env node
// The browser build of @switchboard/files: dist/index.js (after tsc) and everything it imports bundled by esbuild
// into one minified ES module, dist/browser/switchboard-files.js (+ source map), for pages that load the SDK's own
// browser build beside it. Fails if anything in the root entry reaches for a Node built-in.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const outfile = `${pkg}dist/browser/switchboard-files.js`;

await build({
  entryPoints: [`${pkg}dist/index.js`],
  outfile,
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: ["es2022", "chrome100", "firefox100", "safari16"],
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
});

const code = readFileSync(outfile);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `@switchboard/files browser build: dist/browser/switchboard-files.js ${kb(code.length)} minified, ` +
    `${kb(gzipSync(code, { level: 9 }).length)} min+gzip`,
);
